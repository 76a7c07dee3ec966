// Every state the stack gives one path from now on, for the tests that must see a state that was
// set and undone between two checks (a learner plugin's late call, say).

import type { PathImpl } from '../../src/stack/psa/path';

/** Records each state `path` is given from now on, in order. */
export function recordPathStates(path: PathImpl): string[] {
  const accessor = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(path), 'state')!;
  const states: string[] = [];
  Object.defineProperty(path, 'state', {
    configurable: true,
    get: () => accessor.get!.call(path),
    set: (value: string) => {
      states.push(value);
      accessor.set!.call(path, value);
    },
  });
  return states;
}

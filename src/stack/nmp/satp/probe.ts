// The plumbing the built-in SATPs share to ask every path something: one command per path, all in
// flight together, `done` exactly once when the last answers (also when they answer synchronously).

import type { PassthroughResult, Path, PathState, SatpDevice } from '../../plugin-api';
import { isUnitAttention, TEST_UNIT_READY } from './sense';

/** Runs `visit` on each path; each visit calls its `finished` once; then `done` runs once. */
export function eachPath(paths: readonly Path[], visit: (path: Path, finished: () => void) => void, done: () => void): void {
  let pending = paths.length + 1; // +1 so that synchronous answers cannot finish before the loop ends
  const one = () => {
    if (--pending === 0) done();
  };
  for (const path of paths) {
    let called = false;
    visit(path, () => {
      if (!called) {
        called = true;
        one();
      }
    });
  }
  one();
}

/** Sends `cdb`; a unit attention (a pending event, not an answer) earns it one more try. */
export function sendOnce(device: SatpDevice, path: Path, cdb: readonly number[], done: (r: PassthroughResult) => void, dataOut?: Uint8Array): void {
  device.send(path, cdb, (r) => (isUnitAttention(r) ? device.send(path, cdb, done, dataOut) : done(r)), dataOut);
}

/** The paths an SATP evaluates: all but those an administrator disabled. */
export const checkable = (device: SatpDevice): Path[] => device.paths.filter((p) => p.state !== 'disabled');

/** Path evaluation by TEST UNIT READY on each path: `classify` turns each answer into a state. */
export function turCheck(device: SatpDevice, classify: (r: PassthroughResult) => PathState, done: () => void): void {
  eachPath(checkable(device), (path, finished) => {
    sendOnce(device, path, TEST_UNIT_READY, (r) => {
      device.setPathState(path, classify(r));
      finished();
    });
  }, done);
}

// In the stack's worker, the constructors of functions are closed before the first learner plugin
// runs: `(() => {}).constructor('return globalThis')()` would otherwise build code with no loop
// guards and with the real globals. Only in the worker: there the stack owns the whole realm; in
// Node (tests, pathlab run) the realm belongs to the test runner too, and the plugin is the
// learner's own code on their own machine.

let closed = false;

export function closeCodeFromStrings(): void {
  if (closed || typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined') return;
  closed = true;
  const refuse = function () {
    throw new TypeError('building code from strings is not allowed in a PathLab plugin');
  };
  const samples = [function () {}, async function () {}, function* () {}, async function* () {}];
  for (const sample of samples) {
    Object.defineProperty(Object.getPrototypeOf(sample), 'constructor', { value: refuse, writable: false, configurable: false });
  }
}

// In the stack's worker, before the first learner plugin runs: the language's built-ins are frozen
// and the constructors of functions closed. A plugin shares them with the stack, so otherwise one
// line (`Array.prototype.includes = () => true`) would change how the stack itself runs, and
// `(() => {}).constructor('return globalThis')()` would build code with no loop guards and the real
// globals. Only in the worker: there the stack owns the whole realm; in Node (tests, pathlab run)
// the realm belongs to the test runner too, and the plugin is the learner's own code on their own
// machine.

let closed = false;

/** The constructors whose prototypes (and statics) plugin code can reach from the values it is given. */
const INTRINSICS = [
  Object, Array, Function, Boolean, Number, String, Symbol, BigInt, RegExp, Date, Promise, Proxy, Reflect, JSON, Math,
  Map, Set, WeakMap, WeakSet, ArrayBuffer, DataView, Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError,
  URIError, AggregateError, Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array, Intl, TextEncoder, TextDecoder,
];

export function lockDownRealm(): void {
  if (closed || typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined') return;
  closed = true;
  const refuse = function () {
    throw new TypeError('building code from strings is not allowed in a PathLab plugin');
  };
  const samples = [function () {}, async function () {}, function* () {}, async function* () {}];
  for (const sample of samples) {
    Object.defineProperty(Object.getPrototypeOf(sample), 'constructor', { value: refuse, writable: false, configurable: false });
  }
  // Prototypes reachable from ordinary values but not named by any global.
  const hidden = [
    Object.getPrototypeOf(Int8Array), // %TypedArray%
    Object.getPrototypeOf([][Symbol.iterator]()),
    Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())), // %IteratorPrototype%
    Object.getPrototypeOf(new Map().entries()),
    Object.getPrototypeOf(new Set().values()),
    Object.getPrototypeOf(''[Symbol.iterator]()),
    ...samples.map((f) => Object.getPrototypeOf(f)),
    ...samples.slice(2).map((f) => Object.getPrototypeOf(f.prototype)),
  ];
  for (const value of [...INTRINSICS, ...hidden]) {
    if (typeof value === 'function' && value.prototype) freezeAllowingOverride(value.prototype);
    freezeAllowingOverride(value);
  }
}

/**
 * Properties that code commonly sets on its own objects though a frozen prototype has them (the
 * "override mistake": in strict code, `err.name = 'X'` throws when Error.prototype is frozen).
 */
const OVERRIDDEN = ['constructor', 'toString', 'valueOf', 'toLocaleString', 'toJSON', 'name', 'message'];

/**
 * Freezes `target`, first turning the OVERRIDDEN data properties into accessors whose setter
 * gives the object being assigned an own property, as if the prototype's had stayed writable.
 */
function freezeAllowingOverride(target: object): void {
  for (const key of OVERRIDDEN) {
    const d = Object.getOwnPropertyDescriptor(target, key);
    if (!d || !('value' in d) || !d.writable || !d.configurable) continue;
    const value: unknown = d.value;
    Object.defineProperty(target, key, {
      get: () => value,
      set(this: object, next: unknown) {
        if (this === target) throw new TypeError(`${key} of a built-in cannot be changed`);
        Object.defineProperty(this, key, { value: next, writable: true, enumerable: true, configurable: true });
      },
      enumerable: d.enumerable,
      configurable: false,
    });
  }
  Object.freeze(target);
}

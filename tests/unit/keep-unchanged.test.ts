import { describe, expect, it } from 'vitest';
import { keepUnchanged } from '../../src/lab/keep-unchanged';

const snapshot = (commands: number, state = 'active') => ({
  nowUs: commands * 10,
  paths: [
    { name: 'vmhba1:C0:T0:L0', state, commands, device: undefined as string | undefined },
    { name: 'vmhba1:C0:T1:L0', state: 'active', commands: 7, device: 'naa.1' },
  ],
  devices: [{ id: 'naa.1', paths: ['vmhba1:C0:T0:L0', 'vmhba1:C0:T1:L0'] }],
});

describe('keepUnchanged', () => {
  it('returns the previous value itself when nothing changed', () => {
    const prev = snapshot(1);
    expect(keepUnchanged(prev, snapshot(1))).toBe(prev);
  });

  it('keeps the unchanged parts of prev and takes the changed ones from next', () => {
    const prev = snapshot(1);
    const next = snapshot(2);
    const out = keepUnchanged(prev, next);
    expect(out).not.toBe(prev);
    expect(out).toEqual(snapshot(2));
    expect(out.paths[0]).not.toBe(prev.paths[0]);
    expect(out.paths[0].commands).toBe(2);
    expect(out.paths[1]).toBe(prev.paths[1]);
    expect(out.devices).toBe(prev.devices);
  });

  it('sees added, removed and reordered items and keys as changes', () => {
    const prev = snapshot(1);
    const longer = { ...snapshot(1), paths: [...snapshot(1).paths, { name: 'x', state: 'dead', commands: 0, device: undefined }] };
    expect(keepUnchanged(prev, longer).paths).toHaveLength(3);
    expect(keepUnchanged(prev, longer)).not.toBe(prev);
    const shorter = { ...snapshot(1), paths: snapshot(1).paths.slice(0, 1) };
    expect(keepUnchanged(prev, shorter).paths).toHaveLength(1);
    const swapped = { ...snapshot(1), paths: snapshot(1).paths.reverse() };
    expect(keepUnchanged(prev, swapped).paths.map((p) => p.name)).toEqual(['vmhba1:C0:T1:L0', 'vmhba1:C0:T0:L0']);
    // A key that is gone, or one that is new (even with the value undefined), changes the object.
    const { device: _gone, ...withoutDevice } = snapshot(1).paths[1];
    expect(keepUnchanged(prev.paths[1], withoutDevice as typeof prev.paths[1])).not.toBe(prev.paths[1]);
    const { device: _none, ...noKey } = prev.paths[0];
    expect(keepUnchanged(noKey as typeof prev.paths[0], snapshot(1).paths[0])).toEqual(snapshot(1).paths[0]);
    expect(keepUnchanged(noKey as typeof prev.paths[0], snapshot(1).paths[0])).not.toBe(noKey);
  });

  it('handles a first value, nulls and a change of type', () => {
    const next = snapshot(3);
    expect(keepUnchanged(null, next)).toBe(next);
    expect(keepUnchanged(snapshot(3), null)).toBeNull();
    expect(keepUnchanged<unknown>([1, 2], { 0: 1, 1: 2 })).toEqual({ 0: 1, 1: 2 });
    expect(keepUnchanged<unknown>({ 0: 1 }, [1])).toEqual([1]);
  });
});

// The console's tab completion: command words, esxcli namespaces (those of this session's
// commands included), and a line run on another host with `on HOST` completes as on its own.

import { describe, expect, it } from 'vitest';
import { complete, type Names } from '../../src/lab/completion';

const names: Names = { devices: ['naa.600140500aaa00030000000000000001'], paths: [], adapters: ['vmhba1'], arrays: ['aa-array'], psps: [], vms: [] };

describe('console completion', () => {
  it('completes the datastore, settings and adapter statistics namespaces of esxcli', () => {
    expect(complete('esxcli storage fi', names).line).toBe('esxcli storage filesystem ');
    expect(complete('esxcli storage filesystem ', names).choices).toEqual(['list', 'rescan']);
    expect(complete('esxcli sy', names).line).toBe('esxcli system ');
    expect(complete('esxcli system settings advanced s', names).line).toBe('esxcli system settings advanced set ');
    expect(complete('esxcli storage core adapter st', names).line).toBe('esxcli storage core adapter stats ');
  });

  it('knows the host faults and the vaai screen', () => {
    expect(complete('fault h', names).line).toBe('fault host ');
    expect(complete('repair h', names).line).toBe('repair host ');
    expect(complete('esxtop va', names).line).toBe('esxtop vaai ');
  });

  it('completes the line after `on HOST` as a line of its own', () => {
    expect(complete('on esxi02 esxtop v', names).choices).toEqual(['vm', 'vaai']);
    expect(complete('on esxi02 esxcli storage filesystem r', names).line).toBe('on esxi02 esxcli storage filesystem rescan ');
  });
});

// The classroom's second host, esxi02: its own adapters and storage stack on the same arrays and the
// same virtual clock. `on esxi02 LINE` runs a line there; `fault host` crashes it and `repair host`
// boots a fresh one. The scenario file's `peers` section is untrusted input like the rest of it.

import { describe, expect, it } from 'vitest';
import data from '../../src/stack/scenario/classroom.json';
import { LabSession } from '../../src/stack/cli/script';
import { Host } from '../../src/stack/host';
import { sendCdb } from '../../src/stack/initiator/sg-request';
import { parseScenario } from '../../src/stack/scenario/validate';
import { fails, succeeds } from './lab-lines';
import { problemsOf } from './scenario-problems';

type Loose = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** aa-array LUN 0: the peer is zoned to the active/active array alone. */
const AA_LUN0 = 'naa.600140500aaa00030000000000000000';

async function lab(): Promise<{ host: Host; s: LabSession }> {
  const host = await Host.boot();
  return { host, s: new LabSession(host) };
}

describe('the second host', () => {
  it('boots beside the learner host with its own adapters, and finds the LUNs of the array it is zoned to under the same ids', async () => {
    const { host } = await lab();
    expect(host.name).toBe('esxi01.pathlab.local');
    expect(host.peers.map((p) => p.name)).toEqual(['esxi02.pathlab.local']);
    const peer = host.peers[0];
    expect(peer.clock).toBe(host.clock);
    expect(peer.arrays).toBe(host.arrays);
    expect(peer.adapters.map((a) => a.wwpn)).toEqual(['21:00:00:24:ff:3d:fb:10', '21:00:00:24:ff:3d:fb:11']);
    const ids = (h: Host) => [...h.psa.devices.keys()].sort();
    // Its zones reach aa-array's two ports: both of its LUNs, one path per fabric, the same ids as esxi01's.
    expect(ids(peer)).toEqual(['naa.600140500aaa00030000000000000000', 'naa.600140500aaa00030000000000000001']);
    expect(ids(host)).toEqual(expect.arrayContaining(ids(peer)));
    expect(ids(host).length).toBeGreaterThan(ids(peer).length);
    // Target numbers are each host's own (first seen, first numbered): T0 on esxi02, T3 on esxi01.
    expect(peer.psa.device(AA_LUN0)!.paths.map((p) => p.name).sort()).toEqual(['vmhba1:C0:T0:L0', 'vmhba2:C0:T0:L0']);
    expect(host.psa.device(AA_LUN0)!.paths.map((p) => p.name).sort()).toEqual(['vmhba1:C0:T3:L0', 'vmhba2:C0:T3:L0']);
    host.close();
  });

  it('runs a line on the peer with `on`, in the peer\'s own session', async () => {
    const { host, s } = await lab();
    const out = await succeeds(s, 'on esxi02 esxcli storage core adapter list');
    expect(out).toContain('fc.20000024ff3dfb10:21000024ff3dfb10');
    expect(out).not.toContain('vmhba0');
    // The full name works too, and the learner's own host by name is this console.
    expect(await succeeds(s, 'on esxi02.pathlab.local esxcli storage core adapter list')).toBe(out);
    expect(await succeeds(s, 'on esxi01 esxcli storage core adapter list')).toContain('vmhba0');
    // A background job on the peer is the peer's: esxi01's `jobs` does not list it.
    await succeeds(s, `on esxi02 fio --device ${AA_LUN0} --name peerjob --rw randread --runtime 1s &`);
    expect(await succeeds(s, 'on esxi02 jobs')).toContain('peerjob');
    expect(await succeeds(s, 'jobs')).toBe('no background jobs');
    await succeeds(s, 'on esxi02 wait');
    expect(peer(host).psa.device(AA_LUN0)!.counters.commands).toBeGreaterThan(0);
    expect(host.psa.device(AA_LUN0)!.counters.commands).toBe(0);
    host.close();
  });

  it('refuses a bad `on` line with a message that says what to type', async () => {
    const { host, s } = await lab();
    expect(await fails(s, 'on')).toMatch(/^on HOST COMMAND/);
    expect(await fails(s, 'on esxi02')).toMatch(/^on HOST COMMAND/);
    expect(await fails(s, 'on esxi09 esxcli storage core device list')).toBe('on: no host esxi09; hosts: esxi01, esxi02');
    expect(await fails(s, 'on esxi02 esxcli storage core device frobnicate')).toContain('frobnicate');
    host.close();
  });

  it('runs no line for a third host from the peer\'s session, and crashes hosts only from the learner\'s', async () => {
    const { host, s } = await lab();
    expect(await fails(s, 'on esxi02 on esxi01 esxcli storage core device list')).toBe(
      "on: this line already runs on esxi02.pathlab.local; run lines for esxi01.pathlab.local from the learner's console",
    );
    expect(await fails(s, 'on esxi02 fault host esxi01')).toBe("fault host: hosts crash and boot from the learner's console, not from esxi02.pathlab.local");
    expect(peer(host).up).toBe(true);
    host.close();
  });

  it('feels a fabric latency spike as the learner host does: one switch, whichever host looks at it', async () => {
    const { host, s } = await lab();
    await succeeds(s, 'fault latency fabric-a 5ms');
    expect(peer(host).fabrics.find((f) => f.name === 'fabric-a')!.extraLatencyUs).toBe(5000);
    await succeeds(s, 'repair latency fabric-a');
    expect(peer(host).fabrics.find((f) => f.name === 'fabric-a')!.extraLatencyUs).toBe(0);
    host.close();
  });

  it('writes from one host reach the array that the other reads', async () => {
    const { host, s } = await lab();
    await succeeds(s, `on esxi02 fio --device ${AA_LUN0} --rw write --bs 4k --size 64k`);
    // Read the array's blocks through a target port, as any initiator would.
    const array = host.array('aa-array')!;
    const answer = await sendCdb(host.arena, array, array.ports[0], 0, { cdb: [0x28, 0, 0, 0, 0, 0, 0, 0, 8, 0], dataIn: 4096 });
    expect(answer.status).toBe(0);
    expect(answer.dataIn.some((b) => b !== 0)).toBe(true);
    host.close();
  });

  it('hears of an array-side fault (RSCN) and fails its paths over like the learner host', async () => {
    const { host, s } = await lab();
    await succeeds(s, 'fault sp aa-array CTL0');
    await succeeds(s, 'sleep 2s');
    const dead = (h: Host) => h.psa.device(AA_LUN0)!.paths.filter((p) => p.state === 'dead').map((p) => p.name);
    expect(dead(host)).toEqual(['vmhba1:C0:T3:L0']);
    expect(dead(peer(host))).toEqual(['vmhba1:C0:T0:L0']);
    host.close();
  });

  it('crashes with `fault host` (its jobs stop, its adapters go dark) and boots fresh with `repair host`', async () => {
    const { host, s } = await lab();
    await succeeds(s, `on esxi02 fio --device ${AA_LUN0} --name longjob --rw randwrite --runtime 60s &`);
    await succeeds(s, 'sleep 100ms');
    const crashed = peer(host);
    let stopped = 0;
    crashed.onCrash.push(() => stopped++);
    expect(await succeeds(s, 'fault host esxi02')).toBe('esxi02.pathlab.local crashed (power lost)');
    expect(crashed.up).toBe(false);
    expect(stopped).toBe(1);
    expect(crashed.adapters.every((a) => !a.up)).toBe(true);
    expect(crashed.nmp.stopped).toBe(true); // its periodic path evaluation ends with it
    expect(await fails(s, 'on esxi02 jobs')).toContain('is down');
    const iosAtCrash = crashed.psa.device(AA_LUN0)!.counters.commands;
    await succeeds(s, 'sleep 40s');
    // Nothing new left the dead host (what was in flight at the crash may still count as it fails).
    expect(crashed.psa.device(AA_LUN0)!.counters.commands - iosAtCrash).toBeLessThanOrEqual(64);
    expect(await fails(s, 'fault host esxi01')).toContain('is the host this console runs on');
    expect(await succeeds(s, 'repair host esxi02')).toBe('esxi02.pathlab.local booted');
    const fresh = peer(host);
    expect(fresh).not.toBe(crashed);
    expect(fresh.up).toBe(true);
    expect(fresh.psa.device(AA_LUN0)!.counters.commands).toBe(1); // its new memory: only the boot-time VMFS probe
    expect(await succeeds(s, 'on esxi02 jobs')).toBe('no background jobs');
    expect(await succeeds(s, `on esxi02 esxcli storage core path list -d ${AA_LUN0}`)).toContain('State: active');
    host.close();
  });

  it('gives the same answers for the same seed', async () => {
    const outputs: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { host, s } = await lab();
      await succeeds(s, `on esxi02 fio --device ${AA_LUN0} --rw randrw --runtime 200ms`);
      outputs.push(await succeeds(s, 'on esxi02 esxtop device'));
      host.close();
    }
    expect(outputs[0]).toBe(outputs[1]);
  });
});

describe('peers in a scenario file', () => {
  const withPeer = (edit: (peer: Loose, scenario: Loose) => void): Loose => {
    const scenario: Loose = structuredClone(data);
    edit(scenario.peers[0], scenario);
    return scenario;
  };

  it('accepts the classroom peer and keeps it', () => {
    expect(parseScenario(data).peers![0].zones).toEqual([
      { fabric: 'fabric-a', adapters: ['vmhba1'], targets: ['50:01:40:5a:03:00:00:00'] },
      { fabric: 'fabric-b', adapters: ['vmhba2'], targets: ['50:01:40:5a:03:00:01:00'] },
    ]);
  });

  it('names each bad field of a peer', () => {
    expect(problemsOf(withPeer((p) => (p.zones[0].fabric = 'fabric-z')))).toEqual(['peers[0].zones[0].fabric: no fabric named "fabric-z"']);
    expect(problemsOf(withPeer((p) => (p.zones[1].adapters = ['vmhba7'])))).toEqual(['peers[0].zones[1].adapters[0]: peer has no adapter named "vmhba7"']);
    expect(problemsOf(withPeer((p) => (p.name = 'esxi01.other.local')))[0]).toMatch(/^peers\[0\]\.name: duplicate host name \(first label\)/);
    expect(problemsOf(withPeer((p) => (p.name = 'not a host')))[0]).toMatch(/^peers\[0\]\.name: must be a host name/);
    // A WWPN names one port in the whole scenario: the peer's cannot be the learner host's.
    expect(problemsOf(withPeer((p, s) => (p.adapters[0].wwpn = s.adapters[1].wwpn)))[0]).toMatch(/^peers\[0\]\.adapters\[0\]\.wwpn: duplicate WWPN/);
    expect(problemsOf(withPeer((p) => (p.zones[1].adapters = ['vmhba1'])))).toEqual([expect.stringMatching(/^peers\[0\]\.zones\[1\]\.adapters\[0\]: duplicate adapter/)]);
    expect(problemsOf(withPeer((p) => (p.extra = 1)))[0]).toMatch(/^peers\[0\]\.extra: unknown key/);
    expect(problemsOf(withPeer((p) => (p.zones[0].targets = ['50:01:40:5a:03:00:01:00'])))).toEqual(['peers[0].zones[0].targets[0]: fabric "fabric-a" has no target port 50:01:40:5a:03:00:01:00']);
  });
});

function peer(host: Host): Host {
  return host.peers[0];
}

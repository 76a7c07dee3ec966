// The VMFS on-disk format: its records round-trip, its bytes are what `pathlab sg` reads from the
// LUN, a volume formatted on one host is found and mounted by the other after a rescan, it works
// on 4096-byte blocks, and the same seed and commands leave the same bytes on disk.

import { describe, expect, it } from 'vitest';
import { esxcli } from '../../src/stack/cli/esxcli';
import {
  decodeDescriptor, decodeHeader, decodeHeartbeat, encodeDescriptor, encodeHeader, encodeHeartbeat, FD_LBA, formatUuid,
  HB_MAGIC, HEARTBEAT_LBA, LOCK_TYPE, RESOURCE_LOCK_LBA, VMFS_MAGIC, type Descriptor, type VolumeHeader,
} from '../../src/stack/vmfs/layout';
import { hostUuid } from '../../src/stack/vmfs/identity';
import { AA0, AA1, lab, sgRead, vmk, vmkFails } from './vmfs-lab';

const uuid = Uint8Array.from({ length: 16 }, (_, i) => i * 17 + 3);

describe('on-disk records', () => {
  it.each([512, 4096])('round-trip in %i-byte blocks, one block each', (bs) => {
    const header: VolumeHeader = { uuid, label: 'shared-ds', logicalBlockSize: bs, fileBlocks: 10240, bitmapBlocks: 3, dataStart: 1, createdUs: 2 ** 40 + 5 };
    const h = encodeHeader(header, bs);
    expect(h.length).toBe(bs);
    expect(decodeHeader(h)).toEqual(header);
    const hb = { magic: HB_MAGIC, owner: uuid, mountGen: 2 ** 33 + 1, beat: 77, stampUs: 123456789 };
    expect(decodeHeartbeat(encodeHeartbeat(hb, bs))).toEqual(hb);
    const d: Descriptor = {
      lock: { mode: 'read-only', owner: uuid, hbSlot: 3, hbGen: 99, version: 12, holders: 2, mtime: 42 },
      file: { inUse: true, name: 'a.vmdk', format: 'eagerzeroedthick', sizeBytes: 64 * 2 ** 20 + 1, firstBlock: 7, blockCount: 65, gen: 4 },
    };
    const fd = encodeDescriptor(d, bs);
    expect(fd.length).toBe(bs);
    expect(decodeDescriptor(fd)).toEqual(d);
  });

  it('a block without the magic is no volume', () => {
    const h = encodeHeader({ uuid, label: 'x', logicalBlockSize: 512, fileBlocks: 100, bitmapBlocks: 1, dataStart: 1, createdUs: 0 }, 512);
    h[0] ^= 1;
    expect(decodeHeader(h)).toBeUndefined();
    expect(decodeHeader(new Uint8Array(512))).toBeUndefined();
  });
});

describe('a shared volume', () => {
  it('is formatted on one host, read back with pathlab sg, and mounted by the other after a rescan', async () => {
    const { host, peer } = await lab();
    const out = await vmk(host, `-C vmfs6 -S shared-ds /vmfs/devices/disks/${AA0}`);
    const volumeUuid = /Successfully created new volume: (\S+)/.exec(out)![1];
    expect(volumeUuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // The last 12 digits are the formatting host's MAC, as on ESXi.
    expect(volumeUuid.slice(-12)).toBe(formatUuid(hostUuid(host)).slice(-12));

    // The bytes on the LUN, read outside both hosts.
    const block0 = await sgRead(host, 'aa-array', 0, 0, 1);
    const header = decodeHeader(block0)!;
    expect(new DataView(block0.buffer).getUint32(0, true)).toBe(VMFS_MAGIC);
    expect(header.label).toBe('shared-ds');
    expect(formatUuid(header.uuid)).toBe(volumeUuid);
    expect(header.logicalBlockSize).toBe(512);
    expect(header.fileBlocks).toBe(1024 * 1024); // 1 TiB of 1 MiB file blocks
    const slot0 = decodeHeartbeat(await sgRead(host, 'aa-array', 0, HEARTBEAT_LBA, 1));
    expect(slot0.magic).toBe(HB_MAGIC);
    expect(formatUuid(slot0.owner)).toBe(formatUuid(hostUuid(host)));

    const list = esxcli(host, ['storage', 'filesystem', 'list']);
    expect(list.output).toMatch(new RegExp(`^/vmfs/volumes/${volumeUuid} +shared-ds +${volumeUuid} +true +VMFS-6 +1099511627776 +\\d+$`, 'm'));
    expect(esxcli(peer, ['storage', 'filesystem', 'list']).output).not.toContain('shared-ds');
    expect(esxcli(peer, ['storage', 'filesystem', 'rescan']).ok).toBe(true);
    await peer.finishSettling();
    expect(esxcli(peer, ['storage', 'filesystem', 'list']).output).toContain(`/vmfs/volumes/${volumeUuid}  shared-ds`);
    // The peer claimed its own heartbeat slot.
    const slot1 = decodeHeartbeat(await sgRead(host, 'aa-array', 0, HEARTBEAT_LBA + 1, 1));
    expect(formatUuid(slot1.owner)).toBe(formatUuid(hostUuid(peer)));
    expect(formatUuid(hostUuid(peer))).not.toBe(formatUuid(hostUuid(host)));

    // A file made on one host is seen, with its lock record, by the other.
    await vmk(peer, '-c 16m -d thin /vmfs/volumes/shared-ds/peer.vmdk');
    const d = await vmk(host, '-D /vmfs/volumes/shared-ds/peer.vmdk');
    expect(d).toMatch(new RegExp(`^Lock \\[type ${LOCK_TYPE.toString(16)} offset ${FD_LBA * 512} v \\d+, hb offset 0\\ngen 0, mode 0, owner 00000000-00000000-0000-000000000000 mtime \\d+\\nnHld 0 nOvf 0\\]\\nAddr <4, 0, 0>, gen 1, links 1, type reg, flags 0, uid 0, gid 0, mode 600\\nlen 16777216, nb 16 tbz 0, cow 0, newSinceEpoch 16, zla 1, bs 1048576$`));
    const fd = decodeDescriptor(await sgRead(host, 'aa-array', 0, FD_LBA, 1));
    expect(fd.file).toMatchObject({ inUse: true, name: 'peer.vmdk', format: 'thin', sizeBytes: 16 * 2 ** 20, blockCount: 16 });
  }, 60_000);

  it('refuses a device that holds VMFS, one not claimed, and a bad type, changing nothing', async () => {
    const { host, peer } = await lab();
    await vmk(host, `-C vmfs6 -S ds1 /vmfs/devices/disks/${AA0}`);
    // Everything but the heartbeats, which move on their own.
    const metadata = async () => [await sgRead(host, 'aa-array', 0, 0, 1), await sgRead(host, 'aa-array', 0, RESOURCE_LOCK_LBA, 200)];
    const before = await metadata();
    expect(await vmkFails(peer, `-C vmfs6 -S ds2 /vmfs/devices/disks/${AA0}`)).toMatch(/already holds the VMFS-6 volume "ds1"/);
    expect(await vmkFails(host, '-C vmfs6 -S ds3 /vmfs/devices/disks/naa.6001405000000000000000000000dead')).toMatch(/Could not open .*: no such device on this host/);
    expect(await vmkFails(host, `-C vmfs5 -S ds3 /vmfs/devices/disks/${AA0}`)).toMatch(/VMFS-6 only/);
    expect(await vmkFails(host, `-C vmfs6 /vmfs/devices/disks/${AA0}`)).toMatch(/usage:/);
    expect(await metadata()).toEqual(before);
  }, 60_000);

  it('a volume whose device is unclaimed stops its heartbeat and leaves the list; nothing breaks', async () => {
    const { host } = await lab();
    await vmk(host, `-C vmfs6 -S gone-ds /vmfs/devices/disks/${AA0}`);
    const unclaim = esxcli(host, ['storage', 'core', 'claiming', 'unclaim', '-t', 'device', '-d', AA0]);
    expect(unclaim.ok, unclaim.output).toBe(true);
    await host.advance(7_000_000);
    expect(host.logLines.some((l) => l.includes(`HB: lost access to gone-ds: ${AA0} is gone`))).toBe(true);
    expect(await vmkFails(host, '-c 1m /vmfs/volumes/gone-ds/a.vmdk')).toMatch(/is no longer a device of this host|is not mounted/);
    expect(esxcli(host, ['storage', 'filesystem', 'rescan']).ok).toBe(true);
    await host.finishSettling();
    expect(esxcli(host, ['storage', 'filesystem', 'list']).output).not.toContain('gone-ds');
  }, 60_000);

  it('works on 4096-byte logical blocks', async () => {
    const { host, peer } = await lab();
    await vmk(host, `-C vmfs6 -S ds4k /vmfs/devices/disks/${AA1}`);
    const header = decodeHeader(await sgRead(host, 'aa-array', 1, 0, 1, 4096))!;
    expect(header.logicalBlockSize).toBe(4096);
    await vmk(host, '-c 8m /vmfs/volumes/ds4k/a.vmdk');
    expect(await vmk(host, '-D /vmfs/volumes/ds4k/a.vmdk')).toMatch(new RegExp(`offset ${FD_LBA * 4096} v \\d+[^]*len 8388608, nb 8 tbz 8`));
    esxcli(peer, ['storage', 'filesystem', 'rescan']);
    await peer.finishSettling();
    expect(await vmk(peer, '-D /vmfs/volumes/ds4k/a.vmdk')).toContain('len 8388608');
  }, 60_000);

  it('same seed, same commands: the same bytes on disk', async () => {
    const run = async () => {
      const { host, peer } = await lab();
      await vmk(host, `-C vmfs6 -S same /vmfs/devices/disks/${AA0}`);
      esxcli(peer, ['storage', 'filesystem', 'rescan']);
      await peer.finishSettling();
      await vmk(host, '-c 4m -d eagerzeroedthick /vmfs/volumes/same/a.vmdk');
      await vmk(peer, '-i /vmfs/volumes/same/a.vmdk /vmfs/volumes/same/b.vmdk');
      await host.advance(7_000_000);
      return sgRead(host, 'aa-array', 0, 0, FD_LBA + 4);
    };
    const a = await run();
    const b = await run();
    expect(decodeHeader(a)?.label).toBe('same');
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  }, 60_000);
});

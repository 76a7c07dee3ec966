// `vmkfstools -D FILE`: the file descriptor's lock record and fields, read from disk, in the shape
// VMFS prints them (and logs them to the host's log between <START name> and <END name>).

import type { Host } from '../host';
import { readBlocks } from './disk-io';
import { fileNotFound } from './files';
import { decodeDescriptor, FILE_BLOCK, formatUuid, HEARTBEAT_LBA, LOCK_MODES, LOCK_TYPE } from './layout';
import type { Task } from './task';
import type { Volume } from './volume';

export function* describeFile(host: Host, vol: Volume, name: string): Task<string> {
  yield* vol.refresh();
  const entry = vol.file(name);
  if (!entry) throw new Error(fileNotFound(vol, name));
  const bs = vol.blockSize;
  const lba = vol.fdLba(entry.index);
  const { lock, file } = decodeDescriptor(yield* readBlocks(host, vol.device, lba, 1));
  entry.lock = lock;
  const hbOffset = lock.mode === 'free' ? 0 : (HEARTBEAT_LBA + lock.hbSlot) * bs;
  const lines = [
    `Lock [type ${LOCK_TYPE.toString(16)} offset ${lba * bs} v ${lock.version}, hb offset ${hbOffset}`,
    `gen ${lock.hbGen}, mode ${LOCK_MODES.indexOf(lock.mode)}, owner ${formatUuid(lock.owner)} mtime ${lock.mtime}`,
    `nHld ${lock.mode === 'read-only' ? lock.holders : 0} nOvf 0]`,
    `Addr <4, 0, ${entry.index}>, gen ${file.gen}, links 1, type reg, flags 0, uid 0, gid 0, mode 600`,
    `len ${file.sizeBytes}, nb ${file.blockCount} tbz ${file.format === 'zeroedthick' ? file.blockCount : 0}, cow 0, newSinceEpoch ${file.blockCount}, zla 1, bs ${FILE_BLOCK}`,
  ];
  host.log(`FS3: <START ${name}>`);
  for (const line of lines) host.log(line);
  host.log(`FS3: <END ${name}>`);
  return lines.join('\n');
}

// Cloning a disk (`vmkfstools -i`), with one of ESXi's two data movers:
// - hardware (XCOPY): when the source's device reports Clone supported and
//   /DataMover/HardwareAcceleratedMove is 1, EXTENDED COPY commands of at most
//   /DataMover/MaxHWTransferSize each, block-to-block segments inside the array: only the
//   parameter lists cross the fabric. If the array refuses one (a LUN in another array is COPY
//   ABORTED 0D/02), the rest is copied by the host, as ESXi falls back;
// - host (software): READ then WRITE through the host, a file block at a time: the disk crosses
//   the fabric twice.
// The source is read under a read-only lock, the destination written under an exclusive lock. The
// report counts what this host's adapters moved over the fabric meanwhile.

import type { Host } from '../host';
import { vaaiStatus } from '../cli/esxcli/vaai';
import { settingValue } from './advanced-settings';
import { DiskError, extendedCopy, readBlocks, writeBlocks } from './disk-io';
import { closeFile, createFile, openFile } from './files';
import { FILE_BLOCK, type DiskFormat } from './layout';
import type { Task } from './task';
import type { Volume } from './volume';

/** EXTENDED COPY's segment descriptor counts blocks in 2 bytes. */
const MAX_SEGMENT_BLOCKS = 0xffff;
/** The arrays' largest segment (MAX_SEGMENT_BYTES in their block limits). */
const MAX_SEGMENT_BYTES = 8 * FILE_BLOCK;

export interface CloneReport {
  source: string;
  destination: string;
  format: DiskFormat;
  bytes: number;
  mover: 'hardware' | 'software';
  /** Why the software mover was used, when it was. */
  reason: string;
  xcopyCommands: number;
  readCommands: number;
  writeCommands: number;
  /** Bytes this host's adapters moved over the fabric while the data was copied (data-out + data-in). */
  fabricBytes: number;
}

/** Data bytes this host's adapters have moved over the fabric so far. */
export function fabricBytes(host: Host): number {
  let n = 0;
  for (const p of host.psa.paths) n += p.counters.bytesSent + p.counters.bytesReceived;
  return n;
}

export function* cloneFile(host: Host, from: Volume, source: string, to: Volume, destination: string, format: DiskFormat): Task<CloneReport> {
  yield* from.refresh();
  const src = from.file(source);
  if (!src) throw new Error(`Failed to open '/vmfs/volumes/${from.label}/${source}': The system cannot find the file specified`);
  if (to !== from) yield* to.refresh();
  if (to.file(destination)) throw new Error(`Failed to clone disk: The destination file (/vmfs/volumes/${to.label}/${destination}) already exists`);
  yield* openFile(host, from, source, 'read-only', src.file.gen);
  const report: CloneReport = {
    source: `/vmfs/volumes/${from.label}/${source}`, destination: `/vmfs/volumes/${to.label}/${destination}`, format,
    bytes: src.file.sizeBytes, mover: 'hardware', reason: '', xcopyCommands: 0, readCommands: 0, writeCommands: 0, fabricBytes: 0,
  };
  try {
    // The copy writes every block, so an eager-zeroed destination is not zeroed first: it is
    // recorded as eagerzeroedthick (every block written) without the zeroing pass.
    const dst = yield* createFile(host, to, destination, src.file.sizeBytes, format, false);
    yield* openFile(host, to, destination, 'exclusive', dst.file.gen);
    try {
      const total = src.file.blockCount * FILE_BLOCK;
      const srcLba = from.lbaOf(src.file.firstBlock);
      const dstLba = to.lbaOf(dst.file.firstBlock);
      let done = 0;
      // Measured over the copy itself, not the locks and metadata around it.
      const before = fabricBytes(host);
      report.reason = softwareReason(host, from, to);
      if (report.reason === '') {
        const chunk = xcopyChunk(settingValue(host, '/DataMover/MaxHWTransferSize') * 1024, from.blockSize);
        try {
          for (; done < total; done += chunk) {
            const blocks = Math.min(chunk, total - done) / from.blockSize;
            yield* extendedCopy(host, from.device, to.device, srcLba + done / from.blockSize, dstLba + done / to.blockSize, blocks);
            report.xcopyCommands++;
          }
        } catch (e) {
          if (!(e instanceof DiskError)) throw e;
          report.reason = `the array refused EXTENDED COPY (${e.message}); the host copied ${report.xcopyCommands > 0 ? 'the rest' : 'the disk'}`;
          host.log(`DataMover: XCOPY failed for ${report.source}: falling back to the software data mover`);
        }
      }
      if (done < total) {
        if (report.xcopyCommands === 0) report.mover = 'software';
        // XCOPY may have stopped part way through a file block: never a step past the destination's end.
        while (done < total) {
          const bytes = Math.min(FILE_BLOCK, total - done);
          const data = yield* readBlocks(host, from.device, srcLba + done / from.blockSize, bytes / from.blockSize);
          report.readCommands++;
          yield* writeBlocks(host, to.device, dstLba + done / to.blockSize, data);
          report.writeCommands++;
          done += bytes;
        }
      }
      report.fabricBytes = fabricBytes(host) - before;
    } finally {
      yield* closeFile(host, to, dst.index);
    }
  } finally {
    yield* closeFile(host, from, src.index);
  }
  return report;
}

/**
 * Bytes per EXTENDED COPY: MaxHWTransferSize capped by the segment's limits, rounded down to whole
 * logical blocks (a segment counts blocks: a part-block chunk would skip the rest of the block), and
 * never less than one block.
 */
export function xcopyChunk(maxTransferBytes: number, blockSize: number): number {
  const bytes = Math.min(maxTransferBytes, MAX_SEGMENT_BYTES, MAX_SEGMENT_BLOCKS * blockSize);
  return Math.max(1, Math.floor(bytes / blockSize)) * blockSize;
}

/** Why the host must copy in software, or '' when XCOPY may be used. */
function softwareReason(host: Host, from: Volume, to: Volume): string {
  if (settingValue(host, '/DataMover/HardwareAcceleratedMove') !== 1) return '/DataMover/HardwareAcceleratedMove is 0';
  if (vaaiStatus(from.device).clone !== 'supported') return `${from.device.id} does not support Clone (EXTENDED COPY)`;
  if (to.device !== from.device && vaaiStatus(to.device).clone !== 'supported') return `${to.device.id} does not support Clone (EXTENDED COPY)`;
  if (to.blockSize !== from.blockSize) return 'the volumes have different logical block sizes';
  return '';
}

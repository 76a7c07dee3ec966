// A fio job on a file (`fio --filename=/vmfs/volumes/LABEL/NAME.vmdk`): its commands go to the
// file's extent on the volume's device, and the job holds the file's on-disk lock while it runs:
// taken with ATS before its first command, released when it ends or is killed. A file locked by a
// live host fails the job ("Failed to lock the file", naming the holder); a stale lock is broken
// after the lease, and the job runs.

import type { Host } from '../host';
import type { LogicalDevice } from '../psa/device';
import { closeFile, fileNotFound, openFile } from './files';
import { hostUp } from './identity';
import { FILE_BLOCK } from './layout';
import { fileOfPath } from './paths';
import { complete, start } from './task';
import type { Volume } from './volume';

export interface FileTarget {
  path: string;
  volume: Volume;
  name: string;
  device: LogicalDevice;
  /** The file's first LBA on the device, and its size in bytes. */
  baseLba: number;
  sizeBytes: number;
  /** The descriptor generation resolved: a file replaced meanwhile is refused at open. */
  gen: number;
  index: number;
}

/** Resolves a file from what this host knows of the volume (refreshed by rescans and heartbeats). */
export function fileTarget(host: Host, path: string): FileTarget {
  const { volume, name } = fileOfPath(host, path);
  const entry = volume.file(name);
  if (!entry) throw new Error(fileNotFound(volume, name));
  const f = entry.file;
  return {
    path, volume, name, device: volume.device, baseLba: volume.lbaOf(f.firstBlock),
    sizeBytes: Math.min(f.sizeBytes, f.blockCount * FILE_BLOCK), gen: f.gen, index: entry.index,
  };
}

/**
 * Re-reads the files of the volume a fio line names (`--filename FILE` or `--filename=FILE`) when
 * this host does not know the name, as an open looks it up on disk: a disk another host created a
 * moment ago is found. The console calls it before parsing the line (parsing itself is synchronous).
 */
export async function refreshFioTarget(host: Host, argv: readonly string[]): Promise<void> {
  const i = argv.findIndex((a) => a === '--filename' || a.startsWith('--filename='));
  if (i < 0) return;
  const path = argv[i].startsWith('--filename=') ? argv[i].slice('--filename='.length) : argv[i + 1];
  let volume: Volume;
  let name: string;
  try {
    ({ volume, name } = fileOfPath(host, path ?? ''));
  } catch {
    return; // parsing the line reports what is wrong with the path
  }
  // Only a name this host does not know yet costs a read (and virtual time): two hosts opening a
  // file they both know start at the same instant, and their ATS race for real.
  if (!volume.file(name)) await complete(host, volume.refresh());
}

/** The open and close hooks of a job on the file (sim/workload-options.ts). */
export function fileLockHooks(host: Host, target: FileTarget): { open: (ready: (error?: string) => void) => void; close: () => void } {
  return {
    open(ready) {
      start(openFile(host, target.volume, target.name, 'exclusive', target.gen), (error) => ready(error?.message));
    },
    close() {
      // A crashed host sends nothing more: its lock stays on disk until another host breaks it.
      if (!hostUp(host)) return;
      start(closeFile(host, target.volume, target.index), (error) => {
        if (error) host.log(`FS3: releasing the lock of ${target.path} failed: ${error.message}`);
      });
    },
  };
}

// The learner's plugin files, kept with the lab: what the editor saves and `plugin load FILE` reads.

import type { PluginFile } from '../api';

const NAME = /^[A-Za-z0-9][\w.-]{0,63}\.ts$/;
const MAX_FILES = 64;
const MAX_BYTES = 256 * 1024;

export class PluginFiles {
  private readonly files = new Map<string, string>();

  list(): PluginFile[] {
    return [...this.files].sort(([a], [b]) => a.localeCompare(b)).map(([name, source]) => ({ name, source }));
  }

  has(name: string): boolean {
    return this.files.has(name);
  }

  read(name: string): string {
    const source = this.files.get(name);
    if (source === undefined) throw new Error(`no plugin file named ${name}${this.files.size ? ` (the lab has ${[...this.files.keys()].join(', ')})` : ' (the lab has none yet: create one in the plugin editor)'}`);
    return source;
  }

  /** Creates or replaces a file; a bad name or an oversized file is refused and nothing changes. */
  save(file: PluginFile): void {
    if (typeof file?.name !== 'string' || !NAME.test(file.name)) {
      throw new Error(`a plugin file name is letters, digits, ., _ or - ending in .ts (e.g. lqd.ts), not ${JSON.stringify(file?.name)}`);
    }
    if (typeof file.source !== 'string') throw new Error(`${file.name}: the source must be text`);
    if (file.source.length > MAX_BYTES) throw new Error(`${file.name} is ${file.source.length} characters: a plugin file may have at most ${MAX_BYTES}`);
    if (!this.files.has(file.name) && this.files.size >= MAX_FILES) throw new Error(`the lab already has ${MAX_FILES} plugin files: delete one first`);
    this.files.set(file.name, file.source);
  }

  delete(name: string): void {
    if (!this.files.delete(name)) throw new Error(`no plugin file named ${name}`);
  }

  /** Replaces every file (a restored or imported lab); files with bad names are skipped. */
  replace(files: PluginFile[]): void {
    this.files.clear();
    for (const file of files) {
      try {
        this.save(file);
      } catch {
        // A hand-edited lab file: the rest of it still loads.
      }
    }
  }
}

// The editor's plugin files: one Monaco model each, saved with the lab through the stack (after
// typing, debounced; on Save and Ctrl+S). A file that came from a share link is never saved until
// the learner saves or loads it: nothing from a link reaches the lab by itself.

import type { PluginFile, StackApi } from '../../stack/api';
import { errorText } from '../workbench.svelte';
import { monaco } from './monaco';

export const SAVE_DELAY_MS = 800;

export interface FileEntry {
  name: string;
  /** The editor holds changes the lab has not got yet. */
  dirty: boolean;
  /** Came from a share link and not saved yet: no autosave. */
  fromLink: boolean;
}

export class PluginFiles {
  list = $state<FileEntry[]>([]);
  selected = $state<string | null>(null);
  /** The last save that failed, as text for the learner. */
  saveError = $state<string | null>(null);

  private models = new Map<string, monaco.editor.ITextModel>();
  private savedText = new Map<string, string>();
  private timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly api: StackApi) {}

  /** Reads the lab's files (replacing none the editor already holds). */
  async init(): Promise<void> {
    for (const f of await this.api.pluginFiles()) if (!this.has(f.name)) this.add(f, { saved: true });
    this.selected ??= this.list[0]?.name ?? null;
  }

  has = (name: string): boolean => this.models.has(name);
  model = (name: string | null): monaco.editor.ITextModel | null => (name === null ? null : (this.models.get(name) ?? null));
  entry = (name: string | null): FileEntry | undefined => this.list.find((f) => f.name === name);
  file = (name: string): PluginFile => ({ name, source: this.models.get(name)?.getValue() ?? '' });

  /** Adds a file to the editor (not to the lab: see `save`). */
  add(file: PluginFile, how: { saved: boolean; fromLink?: boolean }): void {
    const model = monaco.editor.createModel(file.source, 'typescript', monaco.Uri.file(`/plugins/${file.name}`));
    this.models.set(file.name, model);
    if (how.saved) this.savedText.set(file.name, file.source);
    this.list = [...this.list, { name: file.name, dirty: !how.saved, fromLink: how.fromLink ?? false }].sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    model.onDidChangeContent(() => this.changed(file.name));
  }

  /** Replaces a file's text in the editor, as an edit (Ctrl+Z brings the old text back). */
  setSource(name: string, source: string): void {
    const model = this.models.get(name);
    if (!model) return;
    model.pushStackElement();
    model.pushEditOperations([], [{ range: model.getFullModelRange(), text: source }], () => null);
    model.pushStackElement();
  }

  private changed(name: string): void {
    const entry = this.entry(name);
    if (!entry) return;
    entry.dirty = this.models.get(name)?.getValue() !== this.savedText.get(name);
    if (entry.fromLink || !entry.dirty) return;
    clearTimeout(this.timers.get(name));
    this.timers.set(name, setTimeout(() => void this.save(name), SAVE_DELAY_MS));
  }

  /** Saves one file with the lab now. Returns whether it worked (the error is in `saveError`). */
  async save(name: string): Promise<boolean> {
    clearTimeout(this.timers.get(name));
    this.timers.delete(name);
    const file = this.file(name);
    try {
      await this.api.savePluginFile(file);
    } catch (e) {
      this.saveError = `${name} was not saved: ${errorText(e)}`;
      return false;
    }
    this.saveError = null;
    this.saved(file);
    return true;
  }

  /** The lab now holds `file` as it is (after a save, or a load, which saves too). */
  saved(file: PluginFile): void {
    this.savedText.set(file.name, file.source);
    const entry = this.entry(file.name);
    if (!entry) return;
    entry.fromLink = false;
    entry.dirty = this.models.get(file.name)?.getValue() !== file.source;
  }

  /** Deletes a file from the lab (when it was saved there) and from the editor. */
  async remove(name: string): Promise<void> {
    clearTimeout(this.timers.get(name));
    if (this.savedText.has(name)) await this.api.deletePluginFile(name);
    this.savedText.delete(name);
    this.models.get(name)?.dispose();
    this.models.delete(name);
    const at = this.list.findIndex((f) => f.name === name);
    this.list = this.list.filter((f) => f.name !== name);
    if (this.selected === name) this.selected = this.list[Math.min(at, this.list.length - 1)]?.name ?? null;
  }

  /** Saves every file that waits for its debounced save (when the editor closes). */
  async flush(): Promise<void> {
    await Promise.all([...this.timers.keys()].map((name) => this.save(name)));
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const m of this.models.values()) m.dispose();
    this.models.clear();
  }
}

// Load = hot-load a file into the running stack. TypeScript's errors are checked here first (a type
// error never reaches the stack); the stack's own refusal comes back as markers at its lines.

import type { CompileDiagnostic, PluginLoadResult, StackApi } from '../../stack/api';
import { FAULT_OWNER, errorCount, showLoadErrors, typeErrors } from './diagnostics';
import type { PluginFiles } from './files.svelte';

export interface LoadOutcome {
  /** refused: TypeScript errors, nothing sent; failed: the stack said no; loaded: it runs. */
  kind: 'refused' | 'failed' | 'loaded';
  /** One line for the learner. */
  text: string;
  errors: CompileDiagnostic[];
  result?: PluginLoadResult;
}

/** The errors as console lines: "lqd.ts:12:5 Type 'number' is not assignable…". */
export const errorLines = (file: string, errors: readonly CompileDiagnostic[]): string =>
  errors.map((e) => `${file}:${e.line}:${e.column} ${e.message}`).join('\n');

/** Checks, then loads one file (the stack saves it as it loads it). Throws when the stack fails. */
export async function loadFile(api: StackApi, files: PluginFiles, name: string): Promise<LoadOutcome> {
  const model = files.model(name);
  if (!model) throw new Error(`${name} is not open`);
  showLoadErrors(model, []);
  showLoadErrors(model, [], FAULT_OWNER);
  const errors = await typeErrors(model);
  if (errors.length > 0) {
    return { kind: 'refused', text: `Fix the ${errorCount(errors.length)} first: ${name} was not loaded.`, errors };
  }
  const file = files.file(name);
  const result = await api.loadPlugin(file);
  files.saved(file);
  if (!result.ok) showLoadErrors(model, result.errors);
  return { kind: result.ok ? 'loaded' : 'failed', text: result.message, errors: result.errors, result };
}

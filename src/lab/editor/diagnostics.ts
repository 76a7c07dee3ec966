// Errors in the editor: TypeScript's own (asked of Monaco's TS worker before a load, so a type
// error never reaches the stack) and the stack's compile errors of a refused load (markers of
// owner 'pathlab', beside TypeScript's squiggles).

import type { CompileDiagnostic, PluginFault } from '../../stack/api';
import { monaco, typescript } from './monaco';

type Model = monaco.editor.ITextModel;
type Diagnostic = typescript.Diagnostic;

/** The marker owners of the stack's load errors and of run-time faults. */
export const LOAD_OWNER = 'pathlab';
export const FAULT_OWNER = 'pathlab-fault';

const ERROR = 1; // TypeScript's DiagnosticCategory.Error

function flatten(text: Diagnostic['messageText'], indent = ''): string {
  if (typeof text === 'string') return indent + text;
  return [indent + text.messageText, ...(text.next ?? []).map((n) => flatten(n, `${indent}  `))].join('\n');
}

/** The TS worker for `uri`: the first call can come before the TS language is up, so it retries. */
async function workerFor(uri: monaco.Uri) {
  for (let attempt = 1; ; attempt++) {
    try {
      const get = await typescript.getTypeScriptWorker();
      return await get(uri);
    } catch (e) {
      if (attempt >= 10) throw e;
      await new Promise((r) => setTimeout(r, 150 * attempt));
    }
  }
}

/** The model's TypeScript errors now (syntax and types), in source order. */
export async function typeErrors(model: Model): Promise<CompileDiagnostic[]> {
  const worker = await workerFor(model.uri);
  const file = model.uri.toString();
  const found = [...(await worker.getSyntacticDiagnostics(file)), ...(await worker.getSemanticDiagnostics(file))];
  return found
    .filter((d) => d.category === ERROR)
    .map((d) => {
      const at = model.getPositionAt(d.start ?? 0);
      return { line: at.lineNumber, column: at.column, message: flatten(d.messageText) };
    })
    .sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Shows the stack's compile errors as error markers at their lines (or clears them with []). */
export function showLoadErrors(model: Model, errors: readonly CompileDiagnostic[], owner = LOAD_OWNER): void {
  const lines = model.getLineCount();
  monaco.editor.setModelMarkers(
    model,
    owner,
    errors.map((e) => {
      const line = Math.min(Math.max(1, Math.trunc(e.line) || 1), lines);
      const max = model.getLineMaxColumn(line);
      const column = Math.min(Math.max(1, Math.trunc(e.column) || 1), max);
      const end = column < max ? max : column + 1;
      return { severity: monaco.MarkerSeverity.Error, message: e.message, source: 'load', startLineNumber: line, startColumn: column, endLineNumber: line, endColumn: end };
    }),
  );
}

/** Run-time faults of the learner's plugins as markers at their lines, in the files that are open. */
export function showFaults(faults: readonly PluginFault[], modelOf: (file: string) => Model | null): void {
  const byFile = new Map<string, CompileDiagnostic[]>();
  for (const f of faults) {
    if (f.line === undefined) continue;
    const list = byFile.get(f.file) ?? [];
    list.push({ line: f.line, column: 1, message: `${f.plugin} was disabled (${f.hook}): ${f.message}` });
    byFile.set(f.file, list);
  }
  for (const [file, list] of byFile) {
    const model = modelOf(file);
    if (model) showLoadErrors(model, list, FAULT_OWNER);
  }
}

/** "1 error" / "3 errors". */
export const errorCount = (n: number): string => `${n} error${n === 1 ? '' : 's'}`;

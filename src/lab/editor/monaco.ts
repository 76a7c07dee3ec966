// Monaco for the plugin editor, and only as much of it as the editor uses: the core editor
// (`monaco-editor/editor`), a chosen set of editor features and the TypeScript language. This
// module is reached only through the editor's dynamic import, so none of it is on the first screen.
//
// Workers: Monaco asks `MonacoEnvironment.getWorker` for a worker by label; Vite bundles both with
// `?worker`. It must be set before the first editor or model is created (this module's top level).

import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/suggest/register';
import 'monaco-editor/editor/contrib/suggest/browser/suggestController'; // the completion widget itself
import 'monaco-editor/features/snippet/register';
import 'monaco-editor/features/parameterHints/register';
import 'monaco-editor/features/codeAction/register';
import 'monaco-editor/features/gotoError/register';
import 'monaco-editor/features/gotoSymbol/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/comment/register';
import 'monaco-editor/features/folding/register';
import 'monaco-editor/features/wordHighlighter/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/format/register';
import 'monaco-editor/features/multicursor/register';
import 'monaco-editor/features/linesOperations/register';
import 'monaco-editor/features/indentation/register';
import 'monaco-editor/features/rename/register';
import 'monaco-editor/languages/definitions/typescript/register';
import * as typescript from 'monaco-editor/languages/features/typescript/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TsWorker from 'monaco-editor/language/typescript/ts.worker?worker';
import pluginApi from '../../stack/plugin-api.ts?raw';

self.MonacoEnvironment = {
  getWorker: (_id, label) => (label === 'typescript' || label === 'javascript' ? new TsWorker() : new EditorWorker()),
};

/** What the learner's modules import their types from: `import type { PspModule } from 'pathlab'`. */
export const API_MODULE = 'pathlab';

const defaults = typescript.typescriptDefaults;
defaults.setCompilerOptions({
  strict: true,
  target: 9 as typescript.ScriptTarget, // ES2022: Monaco's enum names only up to ES2020, and ESNext
  module: typescript.ModuleKind.ESNext,
  moduleResolution: typescript.ModuleResolutionKind.NodeJs,
  isolatedModules: true, // the stack compiles each plugin file on its own
  noEmit: true,
  allowNonTsExtensions: true,
});
defaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false });
defaults.setEagerModelSync(true);
// The stack's public plugin contract, as an ambient module: completion, hover docs (its JSDoc)
// and type errors while typing. One call: each extra-lib change restarts the TS worker.
defaults.setExtraLibs([
  {
    content: `declare module '${API_MODULE}' {\n${pluginApi}\n}\n`,
    // Not under node_modules/@types: TypeScript would also pick it up as a type root, and the
    // contract would be declared twice (every method an overload of itself).
    filePath: `file:///lib/${API_MODULE}.d.ts`,
  },
]);

export { monaco, typescript };

// Compiles a learner's plugin (TypeScript) into the body of a function the stack can run in its own
// thread. The plugin is untrusted, so compiling also refuses what a plugin must not do (load modules,
// build code from strings, stop the debugger, ...) and instruments every loop and function with a
// call to `__tick(line)`, through which the guard stops a plugin that runs past its budget.

import ts from 'typescript';
import type { CompileDiagnostic } from '../api';
import { lineMapOf } from './source-lines';

export { errorLine, originalLine } from './source-lines';

export interface CompiledPlugin {
  /** The learner's file name, e.g. "lqd.ts". */
  fileName: string;
  /** The sourceURL stack frames name the plugin by: "plugin:/lqd.ts". */
  url: string;
  /** JavaScript: the body of a function of (exports, __tick, ...shadowed globals); it sets exports.default. */
  code: string;
  /** Generated line of `code` (1-based index) -> original TypeScript line, 0 where unknown. */
  lineMap: number[];
}

/** The identifier instrumented code calls; a plugin may not use the name itself. */
export const TICK = '__tick';

const NO_MODULES = "a plugin cannot import modules: what it needs comes through its hooks' arguments";
const NO_DEFAULT = 'a plugin module needs a default export: export default { name: ..., selectPath(...) {...} }';

export function compilePlugin(
  source: string,
  fileName: string,
): { ok: true; plugin: CompiledPlugin } | { ok: false; errors: CompileDiagnostic[] } {
  const refusals: CompileDiagnostic[] = [];
  let sawRequire = false;
  const out = ts.transpileModule(source, {
    fileName: 'plugin.ts', // always parsed as TypeScript, whatever the learner named the file
    reportDiagnostics: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      strict: true,
      sourceMap: true,
    },
    transformers: {
      before: [(context) => (file) => instrument(check(file, refusals), context)],
      after: [() => (file) => ((sawRequire = callsRequire(file)), file)],
    },
  });

  const syntax = (out.diagnostics ?? []).map(toDiagnostic);
  if (syntax.length > 0) return { ok: false, errors: syntax };
  if (sawRequire && refusals.length === 0) refusals.push({ line: 1, column: 1, message: NO_MODULES });
  if (refusals.length > 0) return { ok: false, errors: refusals.sort((a, b) => a.line - b.line || a.column - b.column) };

  const url = `plugin:/${fileName.replace(/[^\w.\-/]/g, '_')}`;
  const code = out.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '');
  const lineMap = lineMapOf(JSON.parse(out.sourceMapText ?? '{"mappings":""}').mappings);
  return { ok: true, plugin: { fileName, url, code: `${code}\n//# sourceURL=${url}`, lineMap } };
}

function toDiagnostic(d: ts.Diagnostic): CompileDiagnostic {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  if (!d.file || d.start === undefined) return { line: 1, column: 1, message };
  const at = d.file.getLineAndCharacterOfPosition(d.start);
  return { line: at.line + 1, column: at.character + 1, message };
}

/** Collects what a plugin may not do into `refusals`, at the offending lines; returns `file` as is. */
function check(file: ts.SourceFile, refusals: CompileDiagnostic[]): ts.SourceFile {
  const refuse = (node: ts.Node, message: string) => {
    const at = file.getLineAndCharacterOfPosition(node.getStart(file));
    refusals.push({ line: at.line + 1, column: at.character + 1, message });
  };
  let hasDefault = false;

  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement)) checkImport(statement, refuse);
    else if (ts.isImportEqualsDeclaration(statement)) refuse(statement, NO_MODULES);
    else if (ts.isExportAssignment(statement)) {
      if (statement.isExportEquals) refuse(statement, 'a plugin exports only its default: use export default, not export =');
      else hasDefault = true;
    } else if (ts.isExportDeclaration(statement)) {
      const typeOnly = statement.isTypeOnly
        || (!statement.moduleSpecifier && statement.exportClause !== undefined && ts.isNamedExports(statement.exportClause)
          && statement.exportClause.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) refuse(statement, 'a plugin exports only its default export (and types)');
    } else if (ts.canHaveModifiers(statement) && hasModifier(statement, ts.SyntaxKind.ExportKeyword)) {
      const isDefault = hasModifier(statement, ts.SyntaxKind.DefaultKeyword);
      if (isDefault && (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement))) hasDefault = true;
      else if (!ts.isInterfaceDeclaration(statement) && !ts.isTypeAliasDeclaration(statement)) {
        refuse(statement, 'a plugin exports only its default export (and types): drop this export');
      }
    }
  }

  const visit = (node: ts.Node, inFunction: boolean): void => {
    if (ts.isIdentifier(node) && node.text === TICK) refuse(node, `the name ${TICK} is reserved for the stack`);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) refuse(node, NO_MODULES);
    else if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) refuse(node, 'import.meta is not available to a plugin');
    else if (ts.isCallExpression(node) && isNamed(node.expression, 'require')) refuse(node, NO_MODULES);
    else if (ts.isCallExpression(node) && isNamed(node.expression, 'eval')) refuse(node, 'eval is not available to a plugin: write the code itself');
    else if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && isNamed(node.expression, 'Function')) {
      refuse(node, 'Function(...) builds code from a string, which a plugin cannot do: write the code itself');
    } else if (ts.isWithStatement(node)) refuse(node, 'the with statement is not allowed (plugins are strict mode code)');
    else if (node.kind === ts.SyntaxKind.DebuggerStatement) refuse(node, 'debugger is not allowed: a plugin runs inside the stack, which must not stop');
    else if (!inFunction && (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier))) {
      refuse(node, "a plugin's top level runs at once: await only inside an async function");
    } else if (!inFunction && ts.isVariableDeclarationList(node) && (node.flags & ts.NodeFlags.AwaitUsing) === ts.NodeFlags.AwaitUsing) {
      refuse(node, "a plugin's top level runs at once: await only inside an async function");
    }
    const inner = inFunction || ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node);
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  ts.forEachChild(file, (child) => visit(child, false));

  if (!hasDefault) refusals.push({ line: 1, column: 1, message: NO_DEFAULT });
  return file;
}

function checkImport(node: ts.ImportDeclaration, refuse: (node: ts.Node, message: string) => void): void {
  const clause = node.importClause;
  const bindings = clause?.namedBindings;
  const typeOnly = clause !== undefined && (clause.isTypeOnly
    || (clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.every((e) => e.isTypeOnly)));
  if (!typeOnly) refuse(node, NO_MODULES);
  else if (!ts.isStringLiteral(node.moduleSpecifier) || node.moduleSpecifier.text !== 'pathlab') {
    refuse(node.moduleSpecifier, "a plugin imports types only from 'pathlab' (import type { Path } from 'pathlab')");
  }
}

function hasModifier(node: ts.HasModifiers, kind: ts.SyntaxKind): boolean {
  return ts.getModifiers(node)?.some((m) => m.kind === kind) ?? false;
}

function isNamed(expression: ts.Expression, name: string): boolean {
  let bare = expression;
  while (ts.isParenthesizedExpression(bare)) bare = bare.expression; // (eval)('...') is still eval
  return ts.isIdentifier(bare) && bare.text === name;
}

/** Puts `__tick(line)` first in every loop body and every function body. */
function instrument(file: ts.SourceFile, context: ts.TransformationContext): ts.SourceFile {
  const f = context.factory;
  const tick = (node: ts.Node): ts.Statement => {
    const start = node.getStart(file);
    const line = file.getLineAndCharacterOfPosition(start).line + 1;
    const call = f.createExpressionStatement(f.createCallExpression(f.createIdentifier(TICK), undefined, [f.createNumericLiteral(line)]));
    // Maps the tick's own line to the loop or function, so a stack overflow there names a real line.
    return ts.setSourceMapRange(call, { pos: start, end: start });
  };

  const withTick = (owner: ts.Node, body: ts.Node): ts.Block => {
    const visited = ts.visitNode(body, visit) as ts.ConciseBody;
    if (!ts.isBlock(visited)) {
      return f.createBlock([tick(owner), f.createReturnStatement(visited as ts.Expression)], true);
    }
    const statements = visited.statements;
    let prologue = 0; // directives such as "use strict" must stay first
    while (prologue < statements.length && isDirective(statements[prologue])) prologue++;
    return f.updateBlock(visited, [...statements.slice(0, prologue), tick(owner), ...statements.slice(prologue)]);
  };

  const asBlock = (owner: ts.Node, body: ts.Statement): ts.Block => {
    if (ts.isBlock(body)) return withTick(owner, body);
    return f.createBlock([tick(owner), ts.visitNode(body, visit) as ts.Statement], true);
  };

  const visit = (node: ts.Node): ts.Node => {
    if (ts.isIterationStatement(node, false)) {
      const body = node.statement;
      return ts.visitEachChild(node, (child) => (child === body ? asBlock(node, body) : visit(child)), context);
    }
    if ((ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node)) && 'body' in node && node.body) {
      const body = node.body as ts.Node;
      return ts.visitEachChild(node, (child) => (child === body ? withTick(node, body) : visit(child)), context);
    }
    return ts.visitEachChild(node, visit, context);
  };
  return ts.visitEachChild(file, visit, context);
}

function isDirective(statement: ts.Statement): boolean {
  return ts.isExpressionStatement(statement) && ts.isStringLiteral(statement.expression);
}

/** True when the emitted module calls require(): an import slipped past the checks. */
function callsRequire(file: ts.SourceFile): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && isNamed(node.expression, 'require')) found = true;
    else ts.forEachChild(node, visit);
  };
  ts.forEachChild(file, visit);
  return found;
}

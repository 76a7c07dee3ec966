// From a line of the JavaScript the stack runs back to the line of TypeScript the learner wrote.
// Kept apart from compile.ts so the guard can name lines without loading the TypeScript compiler.

import type { CompiledPlugin } from './compile';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Reads a source map's `mappings` into: generated line (1-based index) -> original line (1-based),
 * 0 where the generated line has no source (e.g. the "use strict" prologue). Each line takes the
 * original line of its first segment.
 */
export function lineMapOf(mappings: string): number[] {
  const map = [0];
  let original = 0; // original line of the last segment, 0-based: source map fields are relative
  for (const line of mappings.split(';')) {
    let first = 0;
    for (const segment of line.split(',')) {
      if (segment === '') continue;
      const fields = decodeVlq(segment);
      if (fields.length >= 4) {
        original += fields[2];
        if (first === 0) first = original + 1;
      }
    }
    map.push(first);
  }
  return map;
}

function decodeVlq(segment: string): number[] {
  const fields: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = BASE64.indexOf(ch);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return fields;
}

/** The TypeScript line of a line of `plugin.code` (1-based both), when the compiler mapped it. */
export function originalLine(plugin: CompiledPlugin, generatedLine: number): number | undefined {
  return plugin.lineMap[generatedLine] || undefined;
}

/** The TypeScript line where `error` was thrown in `plugin`: its innermost frame in that file. */
export function errorLine(plugin: CompiledPlugin, error: unknown): number | undefined {
  for (const frame of pluginFrames(error)) {
    if (frame.url === plugin.url) return originalLine(plugin, frame.line);
  }
  return undefined;
}

/** The frames of plugin code in an error's stack, innermost first, at lines of `plugin.code`. */
export function pluginFrames(error: unknown): { url: string; line: number }[] {
  const frames: { url: string; line: number }[] = [];
  let stack: unknown;
  try {
    stack = (error as { stack?: unknown } | null)?.stack; // a plugin's own thrown object may have a getter
  } catch {
    return frames;
  }
  if (typeof stack !== 'string') return frames;
  const offset = bodyLineOffset();
  for (const text of stack.split('\n')) {
    // V8: "    at Object.selectPath (plugin:/lqd.ts:12:9)"; Firefox and Safari: "selectPath@plugin:/lqd.ts:12:9"
    const m = /(plugin:\/[^\s()]*):(\d+):\d+\)?\s*$/.exec(text);
    if (m) frames.push({ url: m[1], line: Number(m[2]) - offset });
  }
  return frames;
}

/**
 * `new Function(params, body)` puts a header before the body, and engines count stack lines from
 * the header: in V8 the body starts at line 3. Measured once, the same way evaluate.ts builds a
 * plugin, so another engine's header is accounted for too.
 */
let measuredOffset: number | undefined;
function bodyLineOffset(): number {
  if (measuredOffset === undefined) {
    measuredOffset = 2;
    try {
      const probe = new Function('a', 'b', 'return new Error()\n//# sourceURL=plugin:/probe') as () => Error;
      const m = /plugin:\/probe:(\d+):/.exec(String(probe().stack));
      if (m) measuredOffset = Number(m[1]) - 1;
    } catch {
      // No stack or no new Function: keep V8's offset; the plugin can't run without new Function anyway.
    }
  }
  return measuredOffset;
}

// Share links: one plugin file in the page's fragment, `#plugin=<base64url of deflate-raw(JSON)>`.
// The fragment never reaches a server. Decoding refuses anything odd with a message, never throws;
// what it gives back is only text for the editor: nothing here saves or loads a plugin.

import type { PluginFile } from '../../stack/api';

export const SHARE_PREFIX = '#plugin=';
/** Limits on what a link may carry, so a crafted link cannot blow up the page. */
const MAX_LINK_CHARS = 64 * 1024;
const MAX_SOURCE_BYTES = 256 * 1024;
/** What a plugin file may be called: it becomes a file of the lab. */
export const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,60}\.ts$/;

export type Decoded = { ok: true; file: PluginFile } | { ok: false; message: string };

/** Whether a location hash carries a shared plugin. */
export const isShareLink = (hash: string): boolean => hash.startsWith(SHARE_PREFIX);

/** Runs bytes through a (de)compression stream; throws 'too large' past `limit` output bytes. */
async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream, limit = Infinity): Promise<Uint8Array> {
  const reader = new Blob([bytes as BlobPart]).stream().pipeThrough(stream).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new Error('too large');
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) out.set(c, (at += c.length) - c.length);
  return out;
}
function toBase64url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url');
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** The fragment (with its `#plugin=`) that carries `file`. */
export async function encodeShare(file: PluginFile): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify({ name: file.name, source: file.source }));
  return SHARE_PREFIX + toBase64url(await pipe(json, new CompressionStream('deflate-raw')));
}

/** A full link to this page with `file` in its fragment. */
export async function shareUrl(file: PluginFile, where: Location = location): Promise<string> {
  return `${where.origin}${where.pathname}${where.search}${await encodeShare(file)}`;
}

/** Reads a `#plugin=` fragment back into a file; a broken or hostile one gives a message instead. */
export async function decodeShare(hash: string): Promise<Decoded> {
  const refuse = (why: string): Decoded => ({ ok: false, message: `This share link cannot be read: ${why}. Ask for the link again.` });
  if (!isShareLink(hash)) return refuse('it does not start with #plugin=');
  const payload = hash.slice(SHARE_PREFIX.length);
  if (payload === '') return refuse('it is empty');
  if (payload.length > MAX_LINK_CHARS) return refuse('it is too long');
  let value: unknown;
  try {
    const bytes = await pipe(fromBase64url(payload), new DecompressionStream('deflate-raw'), MAX_SOURCE_BYTES);
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    return refuse(e instanceof Error && e.message === 'too large' ? 'the code in it is too large' : 'it is cut short or damaged');
  }
  const v = value as Partial<PluginFile> | null;
  if (typeof v !== 'object' || v === null || typeof v.name !== 'string' || typeof v.source !== 'string') {
    return refuse('it holds no plugin file');
  }
  if (!FILE_NAME.test(v.name)) return refuse(`the file name "${v.name.slice(0, 80)}" is not a plugin file name (like lqd.ts)`);
  return { ok: true, file: { name: v.name, source: v.source } };
}

/** Drops a share fragment from the address once its code is saved, so a reload does not bring it again. */
export function clearShareFragment(): void {
  if (isShareLink(location.hash)) history.replaceState(history.state, '', `${location.pathname}${location.search}`);
}

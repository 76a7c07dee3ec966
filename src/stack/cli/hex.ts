// Hex in and out, as sg3-utils reads and prints it.

/** Parses "12 00 00 00 24 00", "12,00,...", or "120000002400" into bytes; throws with the bad token. */
export function parseHexBytes(text: string, what: string): Uint8Array {
  const tokens = text.trim().split(/[\s,]+/).filter(Boolean);
  const pieces: string[] = [];
  for (const token of tokens) {
    const t = token.replace(/^0x/i, '');
    if (!/^[0-9a-fA-F]+$/.test(t)) throw new Error(`${what}: "${token}" is not hexadecimal`);
    if (t.length <= 2) pieces.push(t);
    else if (t.length % 2 === 0) for (let i = 0; i < t.length; i += 2) pieces.push(t.slice(i, i + 2));
    else throw new Error(`${what}: "${token}" has an odd number of hex digits`);
  }
  return Uint8Array.from(pieces, (p) => parseInt(p, 16));
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** sg_raw-style dump: offset, 16 bytes in two groups of 8, then the printable characters. */
export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = bytes.subarray(at, at + 16);
    const hexPart = Array.from(row, (b, i) => (i === 8 ? ' ' : '') + b.toString(16).padStart(2, '0')).join(' ');
    const text = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(` ${at.toString(16).padStart(2, '0')}     ${hexPart.padEnd(48)}    ${text}`);
  }
  return lines.join('\n');
}

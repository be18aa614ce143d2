// File names as keys. A POSIX file name is bytes: it need not be UTF-8, and may hold a backslash
// or control characters, which no lake key may. A listing of source files writes such a name
// escaped, the way `ls -b` shows it: `\xHH` for a byte that is not part of valid UTF-8 or is a
// control character, `\\` for a backslash. No lake key holds a backslash, so a key with one is
// always an escaped name, and the escape can be undone to the exact bytes.
import { UserError } from '../errors.js';

/** Names a readdir in UTF-8 may have decoded with a loss, or that need escaping as they are. */
const SUSPICIOUS = /[\\\u0000-\u001f\u007f\ufffd]/;

/** True when a name read as UTF-8 may not be the file's name as it is, or needs an escape. */
export function needsRawName(name: string): boolean {
  return SUSPICIOUS.test(name);
}

/** A file name's bytes as a key segment: the UTF-8 name itself when it is plain, else escaped. */
export function escapeName(raw: Buffer): string {
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const length = utf8SequenceLength(raw, i);
    if (length === 0) {
      out += `\\x${hex(raw[i]!)}`;
      i++;
      continue;
    }
    const char = raw.toString('utf8', i, i + length);
    const code = char.charCodeAt(0);
    out += char === '\\' ? '\\\\' : code < 0x20 || code === 0x7f ? `\\x${hex(code)}` : char;
    i += length;
  }
  return out;
}

/** True when a key holds an escaped name. */
export function isEscaped(key: string): boolean {
  return key.includes('\\');
}

/** The bytes an escaped key names (see escapeName); throws on an escape it did not write. */
export function unescapeName(key: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < key.length; i++) {
    const char = key[i]!;
    if (char !== '\\') {
      const code = key.codePointAt(i)!;
      if (code > 0xffff) i++;
      bytes.push(...Buffer.from(String.fromCodePoint(code), 'utf8'));
    } else if (key[i + 1] === '\\') {
      bytes.push(0x5c);
      i++;
    } else if (key[i + 1] === 'x' && /^[0-9a-f]{2}$/.test(key.slice(i + 2, i + 4))) {
      bytes.push(parseInt(key.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      throw new UserError(
        `lake: invalid escaped name ${JSON.stringify(key)}: a backslash at ${i} escapes nothing`,
      );
    }
  }
  return Buffer.from(bytes);
}

/** The length of the valid UTF-8 sequence starting at `i` (1 to 4), or 0 when there is none. */
function utf8SequenceLength(bytes: Buffer, i: number): number {
  const lead = bytes[i]!;
  if (lead < 0x80) return 1;
  const [length, min, max] =
    lead >= 0xc2 && lead <= 0xdf
      ? [2, 0x80, 0x7ff]
      : lead >= 0xe0 && lead <= 0xef
        ? [3, 0x800, 0xffff]
        : lead >= 0xf0 && lead <= 0xf4
          ? [4, 0x10000, 0x10ffff]
          : [0, 0, 0];
  if (length === 0 || i + length > bytes.length) return 0;
  let code = lead & (0xff >> (length + 1));
  for (let k = 1; k < length; k++) {
    const next = bytes[i + k]!;
    if ((next & 0xc0) !== 0x80) return 0;
    code = (code << 6) | (next & 0x3f);
  }
  // Overlong forms and UTF-16 surrogates are not valid UTF-8.
  if (code < min || code > max || (code >= 0xd800 && code <= 0xdfff)) return 0;
  return length;
}

const hex = (n: number) => n.toString(16).padStart(2, '0');

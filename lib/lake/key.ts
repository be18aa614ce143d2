import { UserError } from '../errors.js';

/** S3's own limit; we apply it to both backends so they accept the same keys. */
export const MAX_KEY_BYTES = 1024;

/**
 * Throws unless `key` is a safe object key: relative, `/`-separated, no empty, `.` or `..` segments
 * (also percent-encoded), no backslashes or control characters, at most 1024 UTF-8 bytes.
 * Checked before any request so the local and S3 lakes reject exactly the same keys.
 */
export function validateKey(key: string): string {
  const problem = keyProblem(key, false);
  if (problem) throw new UserError(`lake: invalid key ${JSON.stringify(truncate(key))}: ${problem}`);
  return key;
}

/** Like validateKey, for a list prefix: may be empty and may end with `/`. */
export function validatePrefix(prefix: string): string {
  if (prefix === '') return prefix;
  const problem = keyProblem(prefix, true);
  if (problem) throw new UserError(`lake: invalid prefix ${JSON.stringify(truncate(prefix))}: ${problem}`);
  return prefix;
}

// Segments of letters, digits, `_`, `-` and `.` that do not start with `.`: safe without the
// checks below (the common case, on every file of an ingest).
const PLAIN_KEY = /^[\w-][\w.-]*(?:\/[\w-][\w.-]*)*$/;

function keyProblem(key: string, isPrefix: boolean): string | undefined {
  if (key.length <= MAX_KEY_BYTES && PLAIN_KEY.test(key)) return undefined;
  if (key.length === 0) return 'empty key';
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return `longer than ${MAX_KEY_BYTES} bytes`;
  if (key.startsWith('/')) return 'absolute path';
  if (key.includes('\\')) return 'backslash';
  if (/[\u0000-\u001f\u007f]/.test(key)) return 'control character';
  const segments = key.split('/');
  if (isPrefix && segments.at(-1) === '') segments.pop();
  for (const segment of segments) {
    if (segment === '') return 'empty segment';
    const decoded = segment.replace(/%2e/gi, '.');
    if (decoded === '.' || decoded === '..') return `"${segment}" segment`;
  }
  return undefined;
}

function truncate(key: string): string {
  return key.length > 80 ? `${key.slice(0, 77)}...` : key;
}

/** Joins key parts with `/` (no validation: the lake validates on use). */
export function joinKey(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/');
}

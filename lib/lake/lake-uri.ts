import { UserError } from '../errors.js';
import { validatePrefix } from './key.js';

export type LakeLocation = { kind: 'local'; path: string } | { kind: 's3'; bucket: string; prefix: string };

// S3 bucket naming rules (lowercase, digits, dots, hyphens; 3-63 chars).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Parses `--lake`: a directory (`./lake`, `/data/lake`, `file:///data/lake`) or `s3://bucket[/prefix]`. */
export function parseLakeUri(uri: string): LakeLocation {
  const trimmed = uri.trim();
  if (trimmed === '')
    throw new UserError('lake: empty lake URI: pass --lake ./lake or --lake s3://bucket/prefix');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'local', path: trimmed };
  if (scheme === 'file') return { kind: 'local', path: decodeURIComponent(trimmed.slice('file://'.length)) };
  if (scheme !== 's3') {
    throw new UserError(`lake: unsupported lake URI "${trimmed}": use a directory or s3://bucket/prefix`);
  }
  const rest = trimmed.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const prefix = (slash < 0 ? '' : rest.slice(slash + 1)).replace(/\/+$/, '');
  if (!BUCKET.test(bucket) || bucket.includes('..')) {
    throw new UserError(
      `lake: invalid bucket name "${bucket}" in "${trimmed}": 3-63 lowercase letters, digits, dots or hyphens`,
    );
  }
  if (prefix !== '') validatePrefix(prefix);
  return { kind: 's3', bucket, prefix };
}

import { LocalLake } from '../../lib/lake/local-lake.js';
import type { Lake } from '../../lib/lake/lake.js';

/**
 * A files source read through the Lake interface: a local directory, or an S3 prefix via the
 * worker's S3 client. A local directory lists every file under its exact name, escaped where it
 * is not plain UTF-8 (see lib/lake/raw-names.ts), so such a file is read, not lost.
 */
export function openSourceRoot(source: { kind: 'files'; root: string }, open: (uri: string) => Lake): Lake {
  return source.root.startsWith('s3://')
    ? open(source.root)
    : new LocalLake(source.root, source.root, { rawNames: true });
}

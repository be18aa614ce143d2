import { LocalLake } from '../../lib/lake/local-lake.js';
import type { Lake } from '../../lib/lake/lake.js';

/** A files source read through the Lake interface: a local directory, or an S3 prefix via the worker's S3 client. */
export function openSourceRoot(source: { kind: 'files'; root: string }, open: (uri: string) => Lake): Lake {
  return source.root.startsWith('s3://') ? open(source.root) : new LocalLake(source.root);
}

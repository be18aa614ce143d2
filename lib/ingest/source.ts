import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { parseLakeUri } from '../lake/lake-uri.js';

/**
 * What an ingest reads: image files under a local directory or an S3 prefix (read through a Lake
 * opened at that root), or an MNIST-format IDX pair of local files.
 */
export type IngestSource =
  | {
      readonly kind: 'files';
      readonly root: string;
      /** Only these files under the root (a watcher's new arrivals) instead of listing it. */
      readonly include?: readonly string[];
    }
  | { readonly kind: 'idx'; readonly images: string; readonly labels: string | null };

const IDX_IMAGES = /images?-idx3-ubyte(\.gz)?$/;

/** Resolves the `ingest <source>` argument; `idxLabels` overrides the labels file of an IDX pair. */
export function parseSource(arg: string, idxLabels?: string): IngestSource {
  if (arg.startsWith('s3://')) {
    parseLakeUri(arg);
    return { kind: 'files', root: arg.replace(/\/+$/, '') };
  }
  const path = resolve(arg);
  if (!existsSync(path)) throw new UserError(`ingest: source "${arg}" does not exist`);
  if (statSync(path).isDirectory()) return { kind: 'files', root: path };
  if (IDX_IMAGES.test(path)) {
    const guess = path.replace(/images?-idx3-ubyte/, (m) =>
      m.replace(/images?/, 'labels').replace('idx3', 'idx1'),
    );
    const labels = idxLabels ? resolve(idxLabels) : existsSync(guess) ? guess : null;
    if (labels && !existsSync(labels))
      throw new UserError(`ingest: IDX labels file "${idxLabels}" does not exist`);
    return { kind: 'idx', images: path, labels };
  }
  throw new UserError(
    `ingest: source "${arg}" is neither a directory, an s3:// prefix nor an IDX images file (*-images-idx3-ubyte[.gz])`,
  );
}

/** The source URI recorded for an item. */
export function itemUri(source: IngestSource, ref: string): string {
  return source.kind === 'files' ? `${source.root}/${ref}` : `idx:${source.images}#${ref}`;
}

import type { Readable } from 'node:stream';

export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  /** Content hash for change detection (S3 ETag; a size+mtime tag locally). */
  readonly etag: string;
  readonly lastModified: Date;
}

export type Body = Uint8Array | string;

/**
 * The one storage interface of imagelake: a local directory or an S3 prefix.
 * Keys are validated (see key.ts) before any request. Commits are made atomic with putIfAbsent:
 * data goes under unique keys first, then one manifest is published with putIfAbsent.
 */
export interface Lake {
  /** Where the lake lives, for messages (`./lake`, `s3://bucket/prefix`); never holds credentials. */
  readonly uri: string;
  get(key: string, options?: { signal?: AbortSignal }): Promise<Buffer>;
  /** Undefined when the key does not exist. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Writes atomically: readers see the old object or the whole new one. */
  put(key: string, body: Body, options?: { signal?: AbortSignal }): Promise<void>;
  /** Writes only if the key does not exist yet. True when this call created it. */
  putIfAbsent(key: string, body: Body, options?: { signal?: AbortSignal }): Promise<boolean>;
  /** Every object under the prefix, recursively, in key order. */
  list(prefix: string, options?: { signal?: AbortSignal }): AsyncIterable<ObjectInfo>;
  /**
   * The keys list() gives, without their sizes and times: on a directory that saves a stat per
   * file (a 100,000-file source lists in half the time). An entry may be gone by the time it is read.
   */
  listKeys(prefix: string, options?: { signal?: AbortSignal }): AsyncIterable<string>;
  delete(key: string): Promise<void>;
  /** Streams an object (or a byte range of it, `end` exclusive). */
  readStream(key: string, range?: { start: number; end?: number }): Promise<Readable>;
  /** Streams a large object in; multipart on S3. Atomic like put. */
  writeStream(
    key: string,
    source: Readable | AsyncIterable<Uint8Array>,
    options?: { signal?: AbortSignal },
  ): Promise<void>;
  /** A local filesystem path for the key when the lake is a directory (DuckDB reads it directly). */
  localPath(key: string): string | undefined;
  close(): Promise<void>;
}

/** Thrown by get/readStream for a missing key. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(
    readonly key: string,
    uri: string,
  ) {
    super(`lake: no object "${key}" in ${uri}`);
  }
}

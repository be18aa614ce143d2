import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Lake, ObjectInfo } from '../lake/lake.js';

const MAX_PARSED = 100_000;

/**
 * Local copies of a lake's small metadata objects so DuckDB can read them (httpfs cannot be
 * installed here). A local lake needs no copy; an S3 object is fetched again only when its ETag changes.
 */
export class MetadataMirror {
  /** Parsed committed objects by lake, key and ETag: manifests never change once published. */
  private readonly parsed = new Map<string, unknown>();

  constructor(private readonly cacheDir: string) {}

  /**
   * A small object of the lake, parsed once per process and ETag: a long-lived worker opening the
   * catalog again reads only the manifests published since.
   */
  parsedOf<T>(lake: Lake, info: ObjectInfo, parse: (text: string) => T): Promise<T> {
    return this.derivedOf(lake, info, 'parsed', async (path) => parse(await readFile(path, 'utf8')));
  }

  /**
   * A value derived from an object's local file (`what` names the derivation), once per process
   * and ETag, like parsedOf.
   */
  async derivedOf<T>(
    lake: Lake,
    info: ObjectInfo,
    what: string,
    derive: (path: string) => Promise<T>,
  ): Promise<T> {
    const id = `${what}\n${lake.uri}\n${info.key}\n${info.etag}`;
    if (this.parsed.has(id)) return this.parsed.get(id) as T;
    const value = await derive(await this.localFileOf(lake, info));
    if (this.parsed.size >= MAX_PARSED) this.parsed.clear(); // bounded memory: start over
    this.parsed.set(id, value);
    return value;
  }

  async localFile(lake: Lake, key: string): Promise<string> {
    const direct = lake.localPath(key);
    if (direct) return direct;
    const head = await lake.head(key);
    if (!head) throw new Error(`mirror: no object "${key}" in ${lake.uri}`);
    return this.localFileOf(lake, head);
  }

  /** Like localFile, for an object whose ETag a listing already gave (no HEAD request). */
  async localFileOf(lake: Lake, info: ObjectInfo): Promise<string> {
    const direct = lake.localPath(info.key);
    if (direct) return direct;
    const path = this.#copyPath(lake, info.key);
    const etagFile = `${path}.etag`;
    if (existsSync(path) && existsSync(etagFile) && (await readFile(etagFile, 'utf8')) === info.etag)
      return path;
    await mkdir(dirname(path), { recursive: true });
    // unique per call: two activities of one worker may mirror the same object at once
    const tmp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, await lake.get(info.key));
    await rename(tmp, path);
    await writeFile(etagFile, info.etag);
    return path;
  }

  /**
   * Drops the local copies of every object under a prefix that is gone from the lake for good
   * (a committed run's staging): they would otherwise stay on the worker's disk.
   */
  async forgetPrefix(lake: Lake, prefix: string): Promise<void> {
    if (!prefix.endsWith('/') || lake.localPath(prefix.slice(0, -1))) return; // a local lake has no copies
    await rm(this.#copyPath(lake, prefix.slice(0, -1)), { recursive: true, force: true });
  }

  #copyPath(lake: Lake, key: string): string {
    const lakeDir = createHash('sha256').update(lake.uri).digest('hex').slice(0, 16);
    return join(this.cacheDir, 'mirror', lakeDir, ...key.split('/'));
  }
}

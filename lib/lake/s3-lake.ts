import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { validateKey, validatePrefix } from './key.js';
import { NotFoundError, type Body, type Lake, type ObjectInfo } from './lake.js';
import { describeS3Error, httpStatus } from './s3-errors.js';

/** A lake under `s3://bucket/prefix`, through the standard AWS SDK (works with MinIO). */
export class S3Lake implements Lake {
  readonly uri: string;
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    /** Key prefix without leading or trailing slash ('' for the bucket root). */
    readonly prefix: string,
    private readonly endpoint?: string,
  ) {
    this.uri = `s3://${bucket}${prefix ? `/${prefix}` : ''}`;
  }

  localPath(): undefined {
    return undefined;
  }

  async get(key: string, options?: { signal?: AbortSignal }): Promise<Buffer> {
    const stream = await this.readStream(key, undefined, options?.signal);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const command = new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) });
    try {
      const out = await this.client.send(command);
      return {
        key,
        size: out.ContentLength ?? 0,
        etag: out.ETag ?? '',
        lastModified: out.LastModified ?? new Date(0),
      };
    } catch (error) {
      if (httpStatus(error) === 404) return undefined;
      throw this.fail(error, key);
    }
  }

  async put(key: string, body: Body, options?: { signal?: AbortSignal }): Promise<void> {
    const command = new PutObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key), Body: body });
    await this.guard(key, () => this.client.send(command, { abortSignal: options?.signal }));
  }

  async putIfAbsent(key: string, body: Body, options?: { signal?: AbortSignal }): Promise<boolean> {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: this.objectKey(key),
      Body: body,
      IfNoneMatch: '*',
    });
    // 409 means another conditional write to the same key is in flight: wait and ask again.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.send(command, { abortSignal: options?.signal });
        return true;
      } catch (error) {
        const status = httpStatus(error);
        if (status === 412) return false;
        if (status === 409 && attempt < 10) {
          await sleep(50 * (attempt + 1));
          continue;
        }
        throw this.fail(error, key);
      }
    }
  }

  async *list(prefix: string, options?: { signal?: AbortSignal }): AsyncIterable<ObjectInfo> {
    validatePrefix(prefix);
    const base = this.prefix ? `${this.prefix}/` : '';
    let token: string | undefined;
    do {
      const command = new ListObjectsV2Command({
        Bucket: this.bucket,
        Prefix: base + prefix,
        ContinuationToken: token,
      });
      const out = await this.guard(prefix, () => this.client.send(command, { abortSignal: options?.signal }));
      for (const o of out.Contents ?? []) {
        if (!o.Key) continue;
        yield {
          key: o.Key.slice(base.length),
          size: o.Size ?? 0,
          etag: o.ETag ?? '',
          lastModified: o.LastModified ?? new Date(0),
        };
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
  }

  async *listKeys(prefix: string, options?: { signal?: AbortSignal }): AsyncIterable<string> {
    for await (const o of this.list(prefix, options)) yield o.key;
  }

  async delete(key: string): Promise<void> {
    const command = new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) });
    await this.guard(key, () => this.client.send(command));
  }

  async readStream(
    key: string,
    range?: { start: number; end?: number },
    signal?: AbortSignal,
  ): Promise<Readable> {
    const Range = range ? `bytes=${range.start}-${range.end === undefined ? '' : range.end - 1}` : undefined;
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key), Range });
    try {
      const out = await this.client.send(command, { abortSignal: signal });
      return out.Body as Readable;
    } catch (error) {
      if (httpStatus(error) === 404 || (error as Error).name === 'NoSuchKey')
        throw new NotFoundError(key, this.uri);
      throw this.fail(error, key);
    }
  }

  async writeStream(
    key: string,
    source: Readable | AsyncIterable<Uint8Array>,
    options?: { signal?: AbortSignal },
  ): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.objectKey(key), Body: Readable.from(source) },
      partSize: 8 * 1024 * 1024,
      queueSize: 2,
      leavePartsOnError: false,
    });
    const abort = () => void upload.abort();
    options?.signal?.addEventListener('abort', abort, { once: true });
    try {
      await upload.done();
    } catch (error) {
      throw this.fail(error, key);
    } finally {
      options?.signal?.removeEventListener('abort', abort);
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private objectKey(key: string): string {
    validateKey(key);
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  private async guard<T>(key: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw this.fail(error, key);
    }
  }

  private fail(error: unknown, key: string): Error {
    return describeS3Error(error, `${this.uri}/${key}`, this.endpoint);
  }
}

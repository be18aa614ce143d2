import { createHash } from 'node:crypto';
import { encodeContainer, type BlockDeflater } from '../avro/index.js';
import type { Lake } from '../lake/lake.js';
import { defaultRawLimits, rawLayout, type RawLimits } from './layout.js';
import { ORIGINAL_CONTENT, type OriginalRecord } from './original-type.js';

/** Where one original lives: an object, and its record there (null: the object is the original). */
export interface OriginalLocation {
  readonly key: string;
  readonly record: number | null;
}

/** An object of the raw zone as the originals table records it, to check it on every read. */
export interface RawFile {
  readonly key: string;
  readonly records: number;
  readonly bytes: number;
  readonly sha256: string;
}

/** Which part of which run the originals belong to, and the run's deflater. */
export interface RawTarget {
  readonly runId: string;
  readonly chunk: number;
  readonly part: number;
  readonly deflater: BlockDeflater;
}

// Formats whose bytes deflate well: a container holding one is written with the deflate codec.
// The others (PNG, JPEG, WebP, GIF, AVIF) are compressed already: deflating them costs CPU for
// nothing, so their containers use the null codec.
const UNCOMPRESSED = new Set(['pgm', 'ppm', 'tiff']);

/**
 * Collects the originals of one part into Avro containers, closing one (and writing it) when its
 * originals reach limits.containerBytes, so a part of large photos never holds them all; an
 * original of limits.ownObjectBytes or more is written at once as an object of its own at its
 * content address (put-if-absent: stored once, whichever run brings it). Same originals in the
 * same order give the same keys and bytes, so a retried part rewrites identical objects.
 */
export class RawPartWriter {
  private records: OriginalRecord[] = [];
  private pendingBytes = 0;
  private compressible = false;
  private containers = 0;
  private readonly files: RawFile[] = [];

  constructor(
    private readonly lake: Lake,
    private readonly target: RawTarget,
    private readonly limits: RawLimits = defaultRawLimits,
  ) {}

  /** Adds an original; a promise only when it has to write (an own object, a full container). */
  add(sha256: string, data: Uint8Array, format: string): OriginalLocation | Promise<OriginalLocation> {
    if (data.length >= this.limits.ownObjectBytes) return this.putObject(sha256, data);
    const location = { key: this.containerKey(), record: this.records.length };
    this.records.push({ sha256, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) });
    this.pendingBytes += data.length;
    this.compressible ||= UNCOMPRESSED.has(format);
    if (this.pendingBytes < this.limits.containerBytes) return location;
    return this.flush().then(() => location);
  }

  /** Writes what is pending; every object written for the part, in the order written. */
  async finish(): Promise<RawFile[]> {
    await this.flush();
    return this.files;
  }

  private containerKey(): string {
    const { runId, chunk, part } = this.target;
    return rawLayout.container(runId, chunk, part, this.containers);
  }

  private async flush(): Promise<void> {
    if (this.records.length === 0) return;
    const key = this.containerKey();
    const deflater = this.compressible ? this.target.deflater : null;
    const avro = await encodeContainer(this.records, ORIGINAL_CONTENT, { syncKey: key, deflater });
    await this.lake.put(key, avro);
    this.files.push({ key, records: this.records.length, bytes: avro.length, sha256: sha256Hex(avro) });
    this.records = [];
    this.pendingBytes = 0;
    this.compressible = false;
    this.containers++;
  }

  private async putObject(sha256: string, data: Uint8Array): Promise<OriginalLocation> {
    const key = rawLayout.object(sha256);
    if (!(await this.lake.putIfAbsent(key, data))) {
      // Stored before (another run, an earlier attempt): the same content, or the lake is damaged.
      const info = await this.lake.head(key);
      if (info?.size !== data.length)
        throw new Error(
          `raw: ${key} in ${this.lake.uri} holds ${info?.size} bytes, the original has ${data.length}`,
        );
    }
    this.files.push({ key, records: 1, bytes: data.length, sha256 });
    return { key, record: null };
  }
}

function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

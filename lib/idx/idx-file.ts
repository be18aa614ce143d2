import { readFile } from 'node:fs/promises';
import { constants as bufferConstants } from 'node:buffer';
import { createGunzip } from 'node:zlib';
import { UserError } from '../errors.js';

/** The two IDX kinds of MNIST-style data sets: unsigned bytes, 3 or 1 dimensions. */
export const IDX_KINDS = {
  images: { magic: 0x00000803, unit: 'images' },
  labels: { magic: 0x00000801, unit: 'labels' },
} as const;
export type IdxKind = keyof typeof IDX_KINDS;

/** A validated IDX file: its dimensions and a view of its data (everything after the header). */
export interface IdxFile {
  readonly path: string;
  readonly dims: readonly number[];
  readonly data: Buffer;
}

/** What a file's header declares. */
interface IdxHeader {
  readonly dims: readonly number[];
  readonly headerBytes: number;
  readonly count: number;
  readonly itemBytes: number;
  /** The file's whole length as the header declares it. */
  readonly length: number;
  /** `3 images of 28x28`, for messages. */
  readonly what: string;
}

// Deflate cannot expand data more than about 1032 times: a header that declares more than that
// many times the gzip file's size cannot be honest, and is refused before anything is inflated.
const MAX_DEFLATE_RATIO = 1032;
/** Inflated bytes per step of the streaming gunzip. */
const INFLATE_CHUNK = 1 << 20;

/**
 * Reads an IDX file, gunzipping it when it starts with the gzip magic (1f 8b), and checks the
 * magic (data type and dimensions) and that the length is exactly what the header declares.
 * A gzipped file is inflated as a stream, never past the length its header declares, so a small
 * gzip bomb costs no more memory than the data set it claims to be. Gunzip runs on the thread
 * pool: a 26 MB file must not stall an activity's heartbeats.
 */
export async function readIdxFile(path: string, kind: IdxKind): Promise<IdxFile> {
  const data = await read(path);
  if (data[0] === 0x1f && data[1] === 0x8b) return gunzipIdx(path, kind, data);
  const header = parseHeader(path, kind, data, true)!;
  const room = Math.floor((data.length - header.headerBytes) / header.itemBytes);
  if (room < header.count)
    throw new UserError(`idx: ${path} is truncated: header says ${header.what}, file has room for ${room}`);
  const extra = data.length - header.length;
  if (extra > 0)
    throw new UserError(`idx: ${path} has ${extra} bytes after the ${header.what} its header declares`);
  return { path, dims: header.dims, data: data.subarray(header.headerBytes) };
}

/**
 * The header at the start of `head`. Undefined when `head` is too short to tell and more may come
 * (`complete` false); throws on a header that is wrong or, when complete, cut short.
 */
function parseHeader(path: string, kind: IdxKind, head: Buffer, complete: boolean): IdxHeader | undefined {
  const { magic, unit } = IDX_KINDS[kind];
  if (head.length < 4 && !complete) return undefined;
  const actual = head.length >= 4 ? head.readUInt32BE(0) : undefined;
  if (actual !== magic) {
    const found = actual === undefined ? `${head.length} bytes` : `magic 0x${hex(actual)}`;
    throw new UserError(`idx: ${path} is not an IDX ${kind} file (${found}, expected magic 0x${hex(magic)})`);
  }
  const ndims = magic & 0xff;
  const headerBytes = 4 + 4 * ndims;
  if (head.length < headerBytes) {
    if (!complete) return undefined;
    throw new UserError(`idx: ${path} is truncated inside its header (${head.length} bytes)`);
  }
  const dims = Array.from({ length: ndims }, (_, i) => head.readUInt32BE(4 + 4 * i));
  const [count = 0, ...shape] = dims;
  const itemBytes = shape.reduce((a, b) => a * b, 1);
  const what = `${count} ${unit}${shape.length ? ` of ${shape.join('x')}` : ''}`;
  if (itemBytes === 0) throw new UserError(`idx: ${path} declares ${what}: empty items`);
  return { dims, headerBytes, count, itemBytes, length: headerBytes + count * itemBytes, what };
}

/** Inflates a gzipped IDX file into a buffer of the length its header declares, and no further. */
async function gunzipIdx(path: string, kind: IdxKind, gzip: Buffer): Promise<IdxFile> {
  const gunzip = createGunzip({ chunkSize: INFLATE_CHUNK });
  gunzip.end(gzip);
  let head = Buffer.alloc(0);
  let header: IdxHeader | undefined;
  let file: Buffer | undefined;
  let inflated = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      if (!header) {
        head = Buffer.concat([head, chunk]);
        header = parseHeader(path, kind, head, false);
        if (!header) continue;
        file = Buffer.allocUnsafe(inflatable(path, header, gzip.length));
        inflated = head.copy(file, 0, 0, Math.min(head.length, file.length));
        if (head.length > file.length) throw extraBytes(path, header);
        continue;
      }
      if (inflated + chunk.length > file!.length) throw extraBytes(path, header);
      inflated += chunk.copy(file!, inflated);
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`idx: ${path} is not a valid gzip file: ${(error as Error).message}`);
  } finally {
    gunzip.destroy();
  }
  header ??= parseHeader(path, kind, head, true)!;
  if (inflated < header.length) {
    const room = Math.floor((inflated - header.headerBytes) / header.itemBytes);
    throw new UserError(`idx: ${path} is truncated: header says ${header.what}, file has room for ${room}`);
  }
  return { path, dims: header.dims, data: file!.subarray(header.headerBytes) };
}

/** The declared length, once it is known to be one that this gzip file and a buffer can hold. */
function inflatable(path: string, header: IdxHeader, gzipBytes: number): number {
  const most = Math.min(gzipBytes * MAX_DEFLATE_RATIO, bufferConstants.MAX_LENGTH);
  if (header.length <= most) return header.length;
  const limit =
    most === bufferConstants.MAX_LENGTH
      ? `a buffer can hold (${most})`
      : `its ${gzipBytes} bytes of gzip can inflate to`;
  throw new UserError(
    `idx: ${path} is truncated: header says ${header.what} (${header.length} bytes), more than ${limit}`,
  );
}

function extraBytes(path: string, header: IdxHeader): UserError {
  return new UserError(
    `idx: ${path} inflates past the ${header.what} its header declares (${header.length} bytes): refused without inflating the rest`,
  );
}

async function read(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new UserError(`idx: cannot read ${path}: ${code ?? message}`);
  }
}

const hex = (n: number) => n.toString(16).padStart(8, '0');

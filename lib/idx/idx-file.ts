import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { UserError } from '../errors.js';

const gunzipAsync = promisify(gunzip);

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

/**
 * Reads an IDX file, gunzipping it when it starts with the gzip magic (1f 8b), and checks the
 * magic (data type and dimensions) and that the length is exactly what the header declares.
 * Gunzip runs on the thread pool: a 26 MB file must not stall an activity's heartbeats.
 */
export async function readIdxFile(path: string, kind: IdxKind): Promise<IdxFile> {
  const { magic, unit } = IDX_KINDS[kind];
  const file = await gunzipIfNeeded(path, await read(path));
  const actual = file.length >= 4 ? file.readUInt32BE(0) : undefined;
  if (actual !== magic) {
    const found = actual === undefined ? `${file.length} bytes` : `magic 0x${hex(actual)}`;
    throw new UserError(`idx: ${path} is not an IDX ${kind} file (${found}, expected magic 0x${hex(magic)})`);
  }
  const ndims = magic & 0xff;
  const headerBytes = 4 + 4 * ndims;
  if (file.length < headerBytes)
    throw new UserError(`idx: ${path} is truncated inside its header (${file.length} bytes)`);
  const dims = Array.from({ length: ndims }, (_, i) => file.readUInt32BE(4 + 4 * i));
  const [count = 0, ...shape] = dims;
  const itemBytes = shape.reduce((a, b) => a * b, 1);
  const what = `${count} ${unit}${shape.length ? ` of ${shape.join('x')}` : ''}`;
  if (itemBytes === 0) throw new UserError(`idx: ${path} declares ${what}: empty items`);
  const room = Math.floor((file.length - headerBytes) / itemBytes);
  if (room < count)
    throw new UserError(`idx: ${path} is truncated: header says ${what}, file has room for ${room}`);
  const extra = file.length - headerBytes - count * itemBytes;
  if (extra > 0) throw new UserError(`idx: ${path} has ${extra} bytes after the ${what} its header declares`);
  return { path, dims, data: file.subarray(headerBytes) };
}

async function read(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new UserError(`idx: cannot read ${path}: ${code ?? message}`);
  }
}

async function gunzipIfNeeded(path: string, data: Buffer): Promise<Buffer> {
  if (data[0] !== 0x1f || data[1] !== 0x8b) return data;
  try {
    return await gunzipAsync(data);
  } catch (error) {
    throw new UserError(`idx: ${path} is not a valid gzip file: ${(error as Error).message}`);
  }
}

const hex = (n: number) => n.toString(16).padStart(8, '0');

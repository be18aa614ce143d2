import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { UserError } from '../errors.js';

/** An MNIST-format pair: N images of rows x cols uint8 pixels, and optionally N uint8 labels. */
export interface IdxPair {
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  /** A view of image i (no copy). */
  image(i: number): Uint8Array;
  label(i: number): number;
}

const IMAGES_MAGIC = 0x00000803;
const LABELS_MAGIC = 0x00000801;

/** Reads an IDX images file and its labels file (gzipped or not), validating headers and lengths. */
export async function openIdxPair(imagesPath: string, labelsPath: string | null): Promise<IdxPair> {
  const images = await readIdx(imagesPath);
  const magic = images.readUInt32BE(0);
  if (magic !== IMAGES_MAGIC)
    throw new UserError(
      `idx: ${imagesPath} is not an IDX images file (magic 0x${hex(magic)}, expected 0x00000803)`,
    );
  const [count, rows, cols] = [images.readUInt32BE(4), images.readUInt32BE(8), images.readUInt32BE(12)];
  const size = rows * cols;
  if (images.length < 16 + count * size) {
    throw new UserError(
      `idx: ${imagesPath} is truncated: header says ${count} images of ${rows}x${cols}, file has room for ${Math.floor((images.length - 16) / size)}`,
    );
  }
  let labels: Buffer | undefined;
  if (labelsPath) {
    labels = await readIdx(labelsPath);
    const lmagic = labels.readUInt32BE(0);
    if (lmagic !== LABELS_MAGIC)
      throw new UserError(
        `idx: ${labelsPath} is not an IDX labels file (magic 0x${hex(lmagic)}, expected 0x00000801)`,
      );
    const lcount = labels.readUInt32BE(4);
    if (lcount !== count)
      throw new UserError(`idx: ${labelsPath} has ${lcount} labels but ${imagesPath} has ${count} images`);
    if (labels.length < 8 + count)
      throw new UserError(
        `idx: ${labelsPath} is truncated: header says ${count} labels, file has ${labels.length - 8}`,
      );
  }
  return {
    count,
    rows,
    cols,
    image: (i) => {
      if (!(i >= 0 && i < count)) throw new RangeError(`idx: image ${i} out of range 0..${count - 1}`);
      return images.subarray(16 + i * size, 16 + (i + 1) * size);
    },
    label: (i) => {
      if (!labels) throw new Error(`idx: no labels file for ${imagesPath}`);
      if (!(i >= 0 && i < count)) throw new RangeError(`idx: label ${i} out of range 0..${count - 1}`);
      return labels[8 + i]!;
    },
  };
}

async function readIdx(path: string): Promise<Buffer> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (error) {
    throw new UserError(
      `idx: cannot read ${path}: ${(error as { code?: string }).code ?? (error as Error).message}`,
    );
  }
  if (data[0] === 0x1f && data[1] === 0x8b) {
    try {
      data = gunzipSync(data);
    } catch (error) {
      throw new UserError(`idx: ${path} is not a valid gzip file: ${(error as Error).message}`);
    }
  }
  if (data.length < 8)
    throw new UserError(`idx: ${path} is too short for an IDX header (${data.length} bytes)`);
  return data;
}

const hex = (n: number) => n.toString(16).padStart(8, '0');

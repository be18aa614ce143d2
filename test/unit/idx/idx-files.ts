import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A hand-made IDX file: magic, dimensions, then the given bytes. Returns its path. */
export function idxFile(name: string, magic: number, dims: number[], body: Buffer | number = 0): string {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return rawFile(name, Buffer.concat([header, typeof body === 'number' ? Buffer.alloc(body) : body]));
}

export function rawFile(name: string, data: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

export const dir = mkdtempSync(join(tmpdir(), 'imagelake-idx-'));

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeImageBatch,
  encodeImageBatch,
  readImageBatch,
  type ImageRecord,
} from '../../../lib/avro/index.js';

const records: ImageRecord[] = Array.from({ length: 1500 }, (_, i) => ({
  image_id: createHash('sha256').update(`img-${i}`).digest('hex').slice(0, 32),
  sha256: createHash('sha256').update(`img-${i}`).digest('hex'),
  source: `/data/in/${i % 10}/img-${i}.png`,
  label: i % 7 === 0 ? null : String(i % 10),
  class_index: i % 7 === 0 ? null : i % 10,
  width: 28,
  height: 28,
  pixels: Buffer.from(new Uint8Array(784).map((_, j) => (i * 31 + j * 7) & 0xff)),
  original_format: 'png',
  original_width: 28,
  original_height: 28,
  original_bytes: 300 + i,
  ingest_run: 'run-1',
  ingest_time: 1_795_000_000_000,
}));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('Avro image batches', () => {
  it('round-trips every field', async () => {
    const file = await encodeImageBatch(records, { syncKey: 'batches/run-1/c0-p0.avro' });
    const back = decodeImageBatch(file, { key: 'k', count: records.length, sha256: sha(file) });
    expect(back).toEqual(records);
  });

  it('writes byte-identical files for the same records and key, so retries rewrite the same object', async () => {
    const a = await encodeImageBatch(records, { syncKey: 'batches/run-1/c0-p0.avro' });
    const b = await encodeImageBatch(records, { syncKey: 'batches/run-1/c0-p0.avro' });
    expect(a.equals(b)).toBe(true);
  });

  it.each([0.3, 0.6, 0.9, 0.999])(
    'detects a file truncated at %s of its length (reads would otherwise come back short)',
    async (fraction) => {
      const file = await encodeImageBatch(records, { syncKey: 'x' });
      const cut = file.subarray(0, Math.floor(file.length * fraction));
      expect(() => decodeImageBatch(cut, { key: 'k', count: records.length, sha256: sha(file) })).toThrow(
        /^avro: batch "k" has sha256/,
      );
    },
  );

  it('detects a flipped byte', async () => {
    const file = Buffer.from(await encodeImageBatch(records, { syncKey: 'x' }));
    const expected = sha(file);
    file[Math.floor(file.length / 2)]! ^= 0x01;
    expect(() => decodeImageBatch(file, { key: 'k', count: records.length, sha256: expected })).toThrow(
      /sha256/,
    );
  });

  it('detects a count that does not match the batches table', async () => {
    const file = await encodeImageBatch(records, { syncKey: 'x' });
    expect(() => decodeImageBatch(file, { key: 'k', count: records.length + 1, sha256: sha(file) })).toThrow(
      /has 1500 records, the batches table says 1501/,
    );
  });

  it('is read by the Apache Avro reference implementation (Python avro), and reads files it writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imagelake-avro-'));
    const ours = join(dir, 'ours.avro');
    writeFileSync(ours, await encodeImageBatch(records, { syncKey: 'x' }));
    const theirs = join(dir, 'theirs.avro');
    const script = `
import sys, json
from avro.datafile import DataFileReader, DataFileWriter
from avro.io import DatumReader, DatumWriter
rows = list(DataFileReader(open(sys.argv[1], 'rb'), DatumReader()))
with DataFileWriter(open(sys.argv[2], 'wb'), DatumWriter(), DataFileReader(open(sys.argv[1], 'rb'), DatumReader()).datum_reader.writers_schema, codec='deflate') as w:
    for r in rows[:10]: w.append(r)
print(json.dumps({'count': len(rows), 'label': rows[1]['label'], 'pixels': len(rows[0]['pixels']), 'id': rows[0]['image_id']}))
`;
    let out: string;
    try {
      out = execFileSync('python3', ['-c', script, ours, theirs], { encoding: 'utf8' });
    } catch (error) {
      throw new Error(
        `python avro interop failed (run \`npm run setup\` to install Python avro): ${(error as Error).message}`,
      );
    }
    expect(JSON.parse(out)).toEqual({ count: 1500, label: '1', pixels: 784, id: records[0]!.image_id });
    const back = readImageBatch(readFileSync(theirs));
    expect(back).toHaveLength(10);
    expect(back[3]!.pixels.equals(records[3]!.pixels)).toBe(true);
  });
});

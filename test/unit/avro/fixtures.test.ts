import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  availableDeflaters,
  deflaterById,
  encodeImageBatch,
  readImageBatch,
  type EncodeImageBatchOptions,
} from '../../../lib/avro/index.js';
import { fromPlain, plain, type PlainRecord } from './records.js';

/**
 * Golden files: each <name>.json (options, records, and per deflater id the file it wrote) beside
 * those files. A deflater must keep writing the same bytes for the same records, or a retried
 * write would replace a committed object with different bytes; a deflater whose bytes changed
 * needs a new id (and a new golden file).
 */
const dir = new URL('../../fixtures/avro/', import.meta.url);
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length));

describe.each(cases)('golden Avro batch %s', (name) => {
  const { records, golden, ...options } = JSON.parse(
    readFileSync(new URL(`${name}.json`, dir), 'utf8'),
  ) as Omit<EncodeImageBatchOptions, 'deflater'> & {
    records: PlainRecord[];
    golden: Record<string, string>;
  };
  const goldenFile = (file: string) => readFileSync(new URL(file, dir));

  it('has a golden file for a deflater this process has', () => {
    const ids = availableDeflaters().map((d) => d.id);
    expect(
      ids.filter((id) => id in golden),
      `goldens: ${Object.keys(golden).join(', ')}`,
    ).not.toEqual([]);
  });

  it.for(Object.entries(golden))('encodes with %s to the same bytes', async ([id, file], { skip }) => {
    const deflater = deflaterById(id);
    // Another Node's zlib, or no native codec here: reported as skipped (checked above that one runs).
    if (!deflater) return skip();
    const encoded = await encodeImageBatch(fromPlain(records), { ...options, deflater });
    expect(encoded.toString('base64')).toBe(goldenFile(file).toString('base64'));
  });

  it.each(Object.values(golden))('decodes %s to the same records', (file) => {
    expect(plain(readImageBatch(goldenFile(file), name))).toEqual(records);
  });
});

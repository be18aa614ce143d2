import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeImageBatch, readImageBatch, type EncodeImageBatchOptions } from '../../../lib/avro/index.js';
import { fromPlain, plain, type PlainRecord } from './records.js';

/**
 * Golden files: each <name>.json (options and records) beside the <name>.avro our encoder wrote.
 * Encoding must stay byte-identical across code and Node versions, or a retried write on an
 * upgraded worker would replace a committed object with different bytes.
 */
const dir = new URL('../../fixtures/avro/', import.meta.url);
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length));

describe.each(cases)('golden Avro batch %s', (name) => {
  const { records, ...options } = JSON.parse(
    readFileSync(new URL(`${name}.json`, dir), 'utf8'),
  ) as EncodeImageBatchOptions & { records: PlainRecord[] };
  const golden = readFileSync(new URL(`${name}.avro`, dir));

  it('encodes to the same bytes', async () => {
    const file = await encodeImageBatch(fromPlain(records), options);
    expect(file.toString('base64')).toBe(golden.toString('base64'));
  });

  it('decodes to the same records', () => {
    expect(plain(readImageBatch(golden, name))).toEqual(records);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodeImageBatch, readImageBatch, type ImageRecord } from '../../../lib/avro/index.js';
import { makeRecords, plain } from './records.js';

const script = fileURLToPath(new URL('python_avro.py', import.meta.url));
const schemaPath = fileURLToPath(new URL('../../../schemas/image.avsc', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'imagelake-avro-interop-'));

/** Runs the Apache Avro reference implementation; a missing package fails with what to do. */
function pythonAvro(args: string[], input?: string): string {
  try {
    return execFileSync('python3', [script, ...args], { encoding: 'utf8', input, maxBuffer: 256 << 20 });
  } catch (error) {
    const { status, code, stderr } = error as { status?: number; code?: string; stderr?: string };
    if (status === 3 || code === 'ENOENT')
      throw new Error(
        'avro interop: python3 with the Apache Avro package is needed: run `npm run setup` (it runs pip install avro)',
      );
    throw new Error(`avro interop: python avro ${args[0]} failed: ${stderr ?? (error as Error).message}`);
  }
}

describe('Avro image batches and the Apache Avro reference implementation (Python avro)', () => {
  const records = makeRecords(1500);

  it('reads every record of our files, field for field', async () => {
    const ours = join(dir, 'ours.avro');
    writeFileSync(ours, await encodeImageBatch(records, { syncKey: 'batches/run-1/c0-p0.avro' }));
    const out = JSON.parse(pythonAvro(['read', ours])) as { codec: string; records: unknown[] };
    expect(out.codec).toBe('deflate');
    expect(out.records).toHaveLength(1500);
    expect(out.records).toEqual(plain(records));
  });

  it('writes files (deflate, its own sync marker and schema rendering) that we read, field for field', () => {
    const theirs = join(dir, 'theirs.avro');
    pythonAvro(['write', schemaPath, theirs], JSON.stringify(plain(records)));
    const back: ImageRecord[] = readImageBatch(readFileSync(theirs), 'theirs.avro');
    expect(plain(back)).toEqual(plain(records));
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseContainer } from '../../lib/avro/container.js';
import { zlibDeflater } from '../../lib/avro/index.js';
import { sniffFormat } from '../../lib/image/index.js';
import { LocalLake, S3Lake, type Lake } from '../../lib/lake/index.js';
import {
  RawPartWriter,
  readOriginals,
  type OriginalLocation,
  type OriginalRow,
  type RawFile,
  type RawLimits,
} from '../../lib/raw/index.js';
import { oxygenIcons, plasmaPhotographs } from '../fixtures/color-images.js';
import { renditionCorpus } from '../fixtures/renditions/corpus.js';
import { reliability } from '../reliability/tally.js';
import { testS3Client, testStack } from '../setup/stack.js';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

interface Original {
  readonly sha256: string;
  readonly data: Uint8Array;
  readonly format: string;
}

let made: Promise<Original[]> | undefined;
/** Real originals: Fashion-MNIST PNGs and PGMs, Oxygen icons and three Plasma photographs. */
const realOriginals = () => (made ??= makeOriginals());

async function makeOriginals(): Promise<Original[]> {
  const corpus = await renditionCorpus();
  const fashion = (kind: string) => corpus.filter((e) => e.key.startsWith(`fashion/${kind}/`)).slice(0, 30);
  const icons = oxygenIcons({ size: 64, perCategory: 2 }).map((i) => readFileSync(i.path));
  const photos = plasmaPhotographs()
    .filter((p) => ['Kite', 'Grey', 'OneStandsOut'].includes(p.name))
    .map((p) => readFileSync(p.path));
  return [...fashion('idx'), ...fashion('test')]
    .map((e) => e.bytes)
    .concat(icons, photos)
    .map((data) => ({
      sha256: sha256(data),
      data,
      format: sniffFormat(data) ?? 'unknown',
    }));
}

// Small limits, so real photographs (300-900 KB) become objects of their own and a part spans
// several containers.
const limits: RawLimits = { ownObjectBytes: 400_000, containerBytes: 20_000 };

async function writePart(lake: Lake, runId: string, originals: readonly Original[]) {
  const writer = new RawPartWriter(lake, { runId, chunk: 3, part: 1, deflater: zlibDeflater }, limits);
  const locations: OriginalLocation[] = [];
  for (const o of originals) locations.push(await writer.add(o.sha256, o.data, o.format));
  return { locations, files: await writer.finish() };
}

/** The originals table's rows for a part's locations and files. */
function rowsOf(
  originals: readonly Original[],
  locations: readonly OriginalLocation[],
  files: readonly RawFile[],
) {
  const byKey = new Map(files.map((f) => [f.key, f]));
  return originals.map((o, i): OriginalRow => {
    const file = byKey.get(locations[i]!.key)!;
    return {
      sha256: o.sha256,
      key: file.key,
      record_index: locations[i]!.record,
      bytes: o.data.length,
      file_records: file.records,
      file_bytes: file.bytes,
      file_sha256: file.sha256,
    };
  });
}

async function readAll(lake: Lake, rows: readonly OriginalRow[]) {
  const out = new Map<string, Buffer>();
  for await (const { row, data } of readOriginals(lake, rows)) out.set(row.sha256, data);
  return out;
}

const backends: [string, () => Lake][] = [
  ['local', () => new LocalLake(mkdtempSync(join(tmpdir(), 'imagelake-raw-')))],
  [
    'MinIO',
    () => {
      const stack = testStack();
      return new S3Lake(
        testS3Client(stack),
        stack.s3.bucket,
        `raw-${randomBytes(4).toString('hex')}`,
        stack.s3.endpoint,
      );
    },
  ],
];

describe.each(backends)('the raw zone on the %s lake', (_, open) => {
  it('stores real originals byte for byte, aggregated, large ones as objects of their own', async () => {
    const lake = open();
    const originals = await realOriginals();
    const { locations, files } = await writePart(lake, 'run-a', originals);
    const own = locations.filter((l) => l.record === null);
    expect(own.length).toBe(originals.filter((o) => o.data.length >= limits.ownObjectBytes).length);
    expect(own.length).toBeGreaterThanOrEqual(2);
    for (const l of own) expect(l.key).toMatch(/^raw\/sha256\/[0-9a-f]{2}\/[0-9a-f]{64}$/);
    const containers = files.filter((f) => f.key.endsWith('.avro'));
    expect(containers.length).toBeGreaterThan(1);
    expect(containers.map((f) => f.key)).toContain('raw/runs/run-a/c000003-p001-00.avro');
    // Containers of PGM records deflate; containers of PNGs only are stored as they are.
    const codecs = await Promise.all(
      containers.map(async (f) => parseContainer(await lake.get(f.key), f.key).header.codec),
    );
    expect(new Set(codecs)).toEqual(new Set(['deflate', 'null']));

    const back = await readAll(lake, rowsOf(originals, locations, files));
    expect(back.size).toBe(originals.length);
    for (const o of originals) expect(Buffer.from(o.data).equals(back.get(o.sha256)!)).toBe(true);
  });

  it('writes the same keys and bytes again on a retry, and a large original once for every run', async () => {
    const lake = open();
    const originals = await realOriginals();
    const first = await writePart(lake, 'run-a', originals);
    const again = await writePart(lake, 'run-a', originals);
    expect(again).toEqual(first);
    const other = await writePart(lake, 'run-b', originals);
    const ownKeys = (files: readonly RawFile[]) => files.filter((f) => f.key.startsWith('raw/sha256/'));
    expect(ownKeys(other.files)).toEqual(ownKeys(first.files));
    const stored: string[] = [];
    for await (const key of lake.listKeys('raw/sha256/')) stored.push(key);
    expect(stored.length).toBe(ownKeys(first.files).length);
  });

  it('refuses to read damaged originals: altered, cut, miscounted, misplaced', async () => {
    const tally = reliability('bad-input', 6);
    const lake = open();
    const originals = await realOriginals();
    const { locations, files } = await writePart(lake, 'run-d', originals);
    const rows = rowsOf(originals, locations, files);
    const inContainer = rows.find((r) => r.record_index !== null)!;
    const ownRow = rows.find((r) => r.record_index === null)!;
    const container = await lake.get(inContainer.key);
    const refused = async (message: RegExp, these: OriginalRow[] = rows) =>
      expect(readAll(lake, these)).rejects.toThrow(message);

    const flipped = Buffer.from(container);
    flipped[flipped.length - 40]! ^= 0x01;
    await lake.put(inContainer.key, flipped);
    await refused(/avro: originals "raw\/runs\/run-d\/.*" has sha256 .*, expected/);
    await lake.put(inContainer.key, container.subarray(0, container.length - 100));
    await refused(/has sha256 .*, expected/);
    await lake.put(inContainer.key, container);
    await refused(/has \d+ records, expected 99/, [{ ...inContainer, file_records: 99 }]);
    const other = rows.find((r) => r.key === inContainer.key && r.record_index !== inContainer.record_index)!;
    await refused(/raw: record \d+ of .* is original .*, expected/, [
      { ...inContainer, record_index: other.record_index },
    ]);
    const ownBytes = await lake.get(ownRow.key);
    await lake.put(ownRow.key, ownBytes.subarray(1));
    await refused(/raw: raw\/sha256\/.* has \d+ bytes of sha256 .*, expected \d+ of/);
    // An own object found with other bytes than its content address says: the writer stops too.
    await expect(writePart(lake, 'run-e', originals)).rejects.toThrow(
      /raw: raw\/sha256\/.* holds \d+ bytes, the original has \d+/,
    );
    await lake.put(ownRow.key, ownBytes);
    expect((await readAll(lake, rows)).size).toBe(originals.length);
    tally.items(originals.length, (await readAll(lake, rows)).size);
  });
});

import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { LocalLake } from '../../lib/lake/index.js';
import { TMP_DIR } from '../../lib/lake/local-lake.js';
import { lakeContract } from './lake-contract.js';

const root = mkdtempSync(join(tmpdir(), 'imagelake-lake-'));
lakeContract('local', () => new LocalLake(root));

it('local lake leaves no temporary files behind and never lists them', async () => {
  const lake = new LocalLake(root);
  await lake.putIfAbsent('tmp-check/x', 'x');
  await lake.putIfAbsent('tmp-check/x', 'y');
  expect(readdirSync(join(root, TMP_DIR))).toEqual([]);
  for await (const o of lake.list('')) expect(o.key.startsWith(TMP_DIR)).toBe(false);
});

it('a put that fails after its temp file was written removes the temp file and says why', async () => {
  const lake = new LocalLake(mkdtempSync(join(tmpdir(), 'imagelake-lake-')));
  await lake.put('file-not-folder', 'x');
  // The key's parent is a file, so the folder cannot be made: the put fails after writing its temp file.
  await expect(lake.put('file-not-folder/y', 'y')).rejects.toThrow(/EEXIST|ENOTDIR/);
  await expect(lake.putIfAbsent('file-not-folder/z', 'z')).rejects.toThrow(/EEXIST|ENOTDIR/);
  expect(readdirSync(join(lake.root, TMP_DIR))).toEqual([]);
});

it('delete removes the folders it leaves empty, never the lake itself, and writes into such a folder still land', async () => {
  const lake = new LocalLake(mkdtempSync(join(tmpdir(), 'imagelake-lake-')));
  await lake.put('ingest/run-1/staging/a.json', 'a');
  await lake.put('ingest/run-1/plan.json', 'p');
  await lake.delete('ingest/run-1/staging/a.json');
  expect(readdirSync(join(lake.root, 'ingest/run-1'))).toEqual(['plan.json']);
  await lake.delete('ingest/run-1/plan.json');
  expect(readdirSync(lake.root).filter((n) => n !== TMP_DIR)).toEqual([]);
  await lake.delete('never/written'); // nothing there: no error
  // Writers racing a delete that prunes their folder: every write lands.
  await Promise.all(
    Array.from({ length: 50 }, async (_, i) => {
      await lake.put(`race/${i % 3}/x-${i}`, 'x');
      await lake.delete(`race/${i % 3}/x-${i}`);
      expect(await lake.putIfAbsent(`race/${i % 3}/y-${i}`, 'y')).toBe(true);
    }),
  );
  const left: string[] = [];
  for await (const key of lake.listKeys('race/')) left.push(key);
  expect(left).toHaveLength(50);
});

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

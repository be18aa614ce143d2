import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { LocalLake } from '../../lib/lake/index.js';
import { lakeContract } from './lake-contract.js';

const root = mkdtempSync(join(tmpdir(), 'imagelake-lake-'));
lakeContract('local', () => new LocalLake(root));

it('local lake leaves no temporary files behind and never lists them', async () => {
  const lake = new LocalLake(root);
  await lake.putIfAbsent('tmp-check/x', 'x');
  await lake.putIfAbsent('tmp-check/x', 'y');
  expect(readdirSync(join(root, '.tmp'))).toEqual([]);
  for await (const o of lake.list('')) expect(o.key.startsWith('.tmp')).toBe(false);
});

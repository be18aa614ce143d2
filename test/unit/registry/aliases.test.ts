import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { LocalLake } from '../../../lib/lake/index.js';
import { AliasConflictError, aliasHistory, currentAlias, moveAlias } from '../../../lib/registry/aliases.js';

const lake = () => new LocalLake(mkdtempSync(join(tmpdir(), 'imagelake-alias-')));

it('moves an alias atomically: of two concurrent promotions exactly one wins, the other gets a conflict', async () => {
  const l = lake();
  await moveAlias(l, 'production', 'mlp-aaaaaaaaaaaa', 'first');
  const seen = await currentAlias(l, 'production');
  const results = await Promise.allSettled([
    moveAlias(l, 'production', 'mlp-bbbbbbbbbbbb', 'promote b', seen),
    moveAlias(l, 'production', 'mlp-cccccccccccc', 'promote c', seen),
  ]);
  const won = results.filter((r) => r.status === 'fulfilled');
  const lost = results.filter((r) => r.status === 'rejected');
  expect(won).toHaveLength(1);
  expect(lost).toHaveLength(1);
  expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(AliasConflictError);
  const now = await currentAlias(l, 'production');
  expect(now?.modelId).toBe((won[0] as PromiseFulfilledResult<{ modelId: string }>).value.modelId);
  expect(now?.previousModelId).toBe('mlp-aaaaaaaaaaaa');
  expect((await aliasHistory(l, 'production')).map((m) => m.version)).toEqual([1, 2]);
});

it('refuses alias names that are not safe key segments', async () => {
  await expect(moveAlias(lake(), '../prod', 'mlp-aaaaaaaaaaaa', 'x')).rejects.toThrow(/invalid alias/);
  await expect(currentAlias(lake(), 'Prod uction')).rejects.toThrow(/invalid alias/);
});

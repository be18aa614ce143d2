import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { datasetVersions } from '../../lib/dataset/versions.js';
import type { Lake } from '../../lib/lake/lake.js';
import { LakeRegistry } from '../../lib/lake/lake-registry.js';
import { aliasHistory, currentAlias } from '../../lib/registry/aliases.js';
import { DatasetCreateWorkflow, PromoteWorkflow, TrainWorkflow } from '../../workflows/index.js';
import { catalogRows, ingestFashion } from '../catalog/helpers.js';
import { s3Env, testStack } from '../setup/stack.js';
import { innermost, withTestWorker } from '../setup/temporal.js';
import { reliability } from '../reliability/tally.js';

/** Reads dataset versions and the alias in a loop until stopped; fails on anything half-written. */
function startReader(lake: Lake) {
  const aliasTargets = new Set<string>();
  let reads = 0;
  let running = true;
  const done = (async () => {
    while (running) {
      for (const v of await datasetVersions(lake, 'race')) {
        const members = await lake.head(v.tables.dataset_members);
        if (!members) throw new Error(`dataset race@${v.version} is published without its members file`);
      }
      const alias = await currentAlias(lake, 'production');
      if (alias) aliasTargets.add(alias.modelId);
      reads++;
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      return { aliasTargets, reads };
    },
  };
}

it('two writers at once on an S3 lake: both dataset versions publish whole; of two alias moves from the same state one wins and the other gets a clear conflict; a reader meanwhile sees only whole versions', async () => {
  const tally = reliability('fault');
  await withTestWorker(async ({ client, taskQueue, deps }) => {
    const lakeUri = `s3://${testStack().s3.bucket}/concurrent-${randomBytes(4).toString('hex')}`;
    await ingestFashion(client, taskQueue, lakeUri, 600, 'cw');
    const readers = new LakeRegistry({ ...process.env, ...s3Env() });
    const reader = startReader(readers.open(lakeUri));
    try {
      const create = (query: string, id: string) =>
        client.workflow.execute(DatasetCreateWorkflow, {
          taskQueue,
          workflowId: `${id}-${taskQueue}`,
          args: [
            {
              lakeUri,
              name: 'race',
              query,
              split: { train: 0.8, val: 0.2, test: 0 },
              seed: 1,
              stratify: false,
              classes: null,
            },
          ],
        });
      const made = await Promise.all([
        create("SELECT image_id FROM images WHERE label IN ('Bag', 'Sandal')", 'ds-a'),
        create("SELECT image_id FROM images WHERE label NOT IN ('Bag', 'Sandal')", 'ds-b'),
      ]);
      // Each writer got its own version number; neither overwrote the other.
      expect(made.map((m) => m.version).sort()).toEqual([1, 2]);
      expect(made.every((m) => m.created)).toBe(true);
      const rows = (await catalogRows(
        deps,
        lakeUri,
        "SELECT version, count(*) FROM dataset_members WHERE dataset = 'race' GROUP BY version ORDER BY version",
      )) as [number, bigint][];
      expect(rows.map(([v, n]) => [Number(v), Number(n)])).toEqual(
        [...made].sort((a, b) => a.version - b.version).map((m) => [m.version, m.counts.total]),
      );
      tally.items(
        600,
        made.reduce((sum, m) => sum + m.counts.total, 0),
      );
      expect(made.reduce((sum, m) => sum + m.counts.total, 0)).toBe(600);

      const train = (id: string) =>
        client.workflow.execute(TrainWorkflow, {
          taskQueue,
          workflowId: `${id}-${taskQueue}`,
          args: [{ lakeUri, dataset: 'race@2', arch: 'mlp', params: { epochs: 1, seed: id.length } }],
        });
      const [m0, m1, m2] = [await train('m0'), await train('m01'), await train('m012')];
      const promote = (candidate: string, id: string, ifCurrent?: string | null) =>
        client.workflow.execute(PromoteWorkflow, {
          taskQueue,
          workflowId: `${id}-${taskQueue}`,
          args: [
            { lakeUri, candidate, alias: 'production', ...(ifCurrent === undefined ? {} : { ifCurrent }) },
          ],
        });
      await promote(m0.modelId, 'p0', null);
      const results = await Promise.allSettled([
        promote(m1.modelId, 'p1', m0.modelId),
        promote(m2.modelId, 'p2', m0.modelId),
      ]);
      const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const lost = results.flatMap((r) => (r.status === 'rejected' ? [innermost(r.reason)] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]).toMatch(
        /^models: alias "production" (points to mlp-\w+, not mlp-\w+ as expected|was moved by someone else \(version 2 exists\)); read it again and retry$/,
      );
      const history = await aliasHistory(deps.lakes.open(lakeUri), 'production');
      expect(history.map((h) => [h.version, h.modelId, h.previousModelId])).toEqual([
        [1, m0.modelId, null],
        [2, won[0]!.candidate, m0.modelId],
      ]);
      // A retried promotion to where the alias already points is no conflict and no new version.
      await promote(won[0]!.candidate, 'p1-again', m0.modelId);
      expect(await aliasHistory(deps.lakes.open(lakeUri), 'production')).toHaveLength(2);
    } finally {
      const seen = await reader.stop();
      await readers.close();
      expect(seen.reads).toBeGreaterThan(3);
      expect([...seen.aliasTargets].every((id) => id.startsWith('mlp-'))).toBe(true);
    }
  });
});

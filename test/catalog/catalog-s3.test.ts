import { statSync } from 'node:fs';
import { expect, it } from 'vitest';
import { loadSnapshot } from '../../lib/catalog/snapshot.js';
import { TABLE_NAMES } from '../../lib/catalog/tables.js';
import { memberLocations } from '../../activities/member-locations.js';
import { membersFile } from '../../lib/dataset/members.js';
import { readBatches } from '../../lib/dataset/reader.js';
import { resolveDataset } from '../../lib/dataset/versions.js';
import { DatasetCreateWorkflow } from '../../workflows/index.js';
import { testStack } from '../setup/stack.js';
import { withTestWorker } from '../setup/temporal.js';
import { ingestFashion, queryRows } from './helpers.js';

it('works the same on an S3 lake (MinIO): views over a local mirror refreshed by ETag, dataset versions, the reader', async () => {
  const lakeUri = `s3://${testStack().s3.bucket}/catalog-${Date.now()}`;
  await withTestWorker(async ({ client, taskQueue, deps }) => {
    await ingestFashion(client, taskQueue, lakeUri, 700, 's3');
    const lake = deps.lakes.open(lakeUri);
    const first = await loadSnapshot(lake, deps.mirror);
    expect(first.files.images[0]).not.toContain('s3:');
    expect(await queryRows(first, 'SELECT count(*) FROM images')).toEqual([[700n]]);

    const ds = await client.workflow.execute(DatasetCreateWorkflow, {
      taskQueue,
      workflowId: `s3-ds-${taskQueue}`,
      args: [
        {
          lakeUri,
          name: 'tops',
          query: "SELECT image_id FROM images WHERE label IN ('T-shirt/top', 'Shirt', 'Pullover')",
          split: { train: 0.5, val: 0, test: 0.5 },
          seed: 9,
          stratify: false,
          classes: null,
        },
      ],
    });
    expect(ds.classes).toEqual(['Pullover', 'Shirt', 'T-shirt/top']);

    // The second snapshot fetches only what is new: unchanged objects keep their mirrored copy.
    const mtimes = first.files.images.map((f) => statSync(f).mtimeMs);
    const second = await loadSnapshot(lake, deps.mirror);
    expect(second.files.images.map((f) => statSync(f).mtimeMs)).toEqual(mtimes);
    expect(second.files.dataset_members).toHaveLength(1);
    expect(TABLE_NAMES.flatMap((t) => second.files[t]).every((f) => f.startsWith(deps.config.cacheDir))).toBe(
      true,
    );
    expect(await queryRows(second, "SELECT members, val FROM datasets WHERE ref = 'tops@1'")).toEqual([
      [BigInt(ds.counts.total), 0n],
    ]);

    const manifest = await resolveDataset(lake, 'tops@1');
    const members = await memberLocations(deps, lake, membersFile(manifest.tables.dataset_members), {
      split: 'test',
    });
    let n = 0;
    for await (const b of readBatches(lake, members, {
      batchSize: 50,
      width: 28,
      height: 28,
      shuffle: { seed: 1 },
    }))
      n += b.n;
    expect(n).toBe(ds.counts.test);
  });
});

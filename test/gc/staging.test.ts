import { MockActivityEnvironment } from '@temporalio/testing';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCommitIngest } from '../../activities/ingest/commit-ingest.js';
import { gcLayout } from '../../lib/gc/layout.js';
import { ingestLayout } from '../../lib/ingest/layout.js';
import type { IngestManifest } from '../../lib/ingest/manifest.js';
import type { Lake } from '../../lib/lake/lake.js';
import { ingestFashion } from '../catalog/helpers.js';
import { testStack } from '../setup/stack.js';
import { withTestWorker } from '../setup/temporal.js';
import { expectCommittedWhole } from './committed-whole.js';

const keys = async (lake: Lake, prefix: string) => {
  const out: string[] = [];
  for await (const key of lake.listKeys(prefix)) out.push(key);
  return out;
};

describe.each(['local', 'MinIO'])('a committed ingest run (%s lake)', (backend) => {
  it('leaves no staging, plan or intent behind, and a retried commit still returns its summary', async () => {
    await withTestWorker(async ({ client, taskQueue, lakeUri: localUri, deps }) => {
      const lakeUri =
        backend === 'local'
          ? localUri
          : `s3://${testStack().s3.bucket}/staging-${randomBytes(4).toString('hex')}`;
      const summary = await ingestFashion(client, taskQueue, lakeUri, 600, 'staging');
      const lake = deps.lakes.open(lakeUri);
      expect(await keys(lake, ingestLayout.runPrefix(summary.runId))).toEqual([]);
      expect(await keys(lake, gcLayout.prefix)).toEqual([]);
      if (backend === 'local') expect(existsSync(join(localUri, 'ingest'))).toBe(false); // no empty folders
      // nor the worker's local copies of the staged parts (an S3 lake's are mirrored to be read)
      const lakeDir = createHash('sha256').update(lakeUri).digest('hex').slice(0, 16);
      const copies = join(deps.config.cacheDir, 'metadata', 'mirror', lakeDir);
      expect(existsSync(join(copies, 'ingest', summary.runId))).toBe(false);
      expect(await expectCommittedWhole(deps, lakeUri)).toBe(600);
      if (backend === 'MinIO') expect(existsSync(join(copies, 'meta'))).toBe(true); // where copies go

      // A retry of the commit (the worker died before reporting) finds the manifest: same answer.
      const manifest = JSON.parse(
        (await lake.get(ingestLayout.manifest(summary.runId))).toString(),
      ) as IngestManifest;
      const again = await new MockActivityEnvironment().run(createCommitIngest(deps), {
        lakeUri,
        runId: summary.runId,
        source: manifest.source,
        classes: manifest.classes,
      });
      expect(again).toEqual(summary);
      expect(await keys(lake, gcLayout.prefix)).toEqual([]);
      expect(await expectCommittedWhole(deps, lakeUri)).toBe(600);
    });
  });
});

import { PutObjectCommand } from '@aws-sdk/client-s3';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { committedManifests } from '../../activities/ingest/committed.js';
import { IngestWorkflow } from '../../workflows/index.js';
import { testS3Client, testStack } from '../setup/stack.js';
import { withTestWorker } from '../setup/temporal.js';
import { fashionPngFolder } from './fixtures.js';

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)],
  );

it('ingests an s3:// prefix of real PNGs into an S3 lake on MinIO, exactly once', async () => {
  const stack = testStack();
  const dir = await fashionPngFolder(150);
  const s3 = testS3Client();
  for (const file of walk(dir)) {
    await s3.send(
      new PutObjectCommand({
        Bucket: stack.s3.bucket,
        Key: `incoming/${relative(dir, file)}`,
        Body: readFileSync(file),
      }),
    );
  }
  s3.destroy();
  const lakeUri = `s3://${stack.s3.bucket}/lake-${Date.now()}`;
  await withTestWorker(async ({ client, taskQueue, deps }) => {
    const input = {
      lakeUri,
      source: { kind: 'files' as const, root: `s3://${stack.s3.bucket}/incoming` },
      labels: { kind: 'parent-dir' as const },
      classes: null,
      normalize: {},
      chunkSize: 60,
      partSize: 25,
    };
    const first = await client.workflow.execute(IngestWorkflow, {
      taskQueue,
      workflowId: `s3-${taskQueue}`,
      args: [input],
    });
    expect(first).toMatchObject({ seen: 150, ingested: 150, duplicates: 0, quarantined: 0 });
    const again = await client.workflow.execute(IngestWorkflow, {
      taskQueue,
      workflowId: `s3-again-${taskQueue}`,
      args: [input],
    });
    expect(again).toMatchObject({ seen: 150, ingested: 0, duplicates: 150 });
    const manifests = await committedManifests(deps.lakes.open(lakeUri));
    expect(manifests.map((m) => m.counts.ingested).sort()).toEqual([0, 150]);
  });
});

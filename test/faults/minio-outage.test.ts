import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.js';
import { freePort } from '../../lib/stack/ports.js';
import { localMinioCredentials } from '../../lib/stack/minio-server.js';
import { minioUp, stackDown } from '../../lib/stack/local-stack.js';
import { stopService } from '../../lib/stack/service.js';
import { IngestWorkflow } from '../../workflows/index.js';
import { spawnCli } from '../cli/run-cli.js';
import { fashionPngFolder } from '../ingest/fixtures.js';
import { testStack } from '../setup/stack.js';
import { reliability } from '../reliability/tally.js';

it('MinIO stopped for 20 s in the middle of an ingest into an S3 lake, then started again: the run completes, nothing lost', async () => {
  const tally = reliability('fault');
  // A MinIO of this test's own, so stopping it disturbs nothing else.
  const port = await freePort();
  const env = {
    ...process.env,
    IMAGELAKE_STATE_DIR: mkdtempSync(join(tmpdir(), 'imagelake-outage-')),
    IMAGELAKE_MINIO_PORT: String(port),
  };
  const config = loadConfig(env);
  await minioUp(config);
  const { credentials } = await localMinioCredentials(config.stateDir);
  const taskQueue = `outage-${randomBytes(4).toString('hex')}`;
  const workerEnv = {
    TEMPORAL_ADDRESS: testStack().temporalAddress,
    IMAGELAKE_TASK_QUEUE: taskQueue,
    AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}`,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_REGION: 'us-east-1',
  };
  const source = await fashionPngFolder(3000);
  const connection = await Connection.connect({ address: testStack().temporalAddress });
  const client = new Client({ connection });
  const worker = spawnCli(['worker'], workerEnv);
  try {
    const handle = await client.workflow.start(IngestWorkflow, {
      taskQueue,
      workflowId: `outage-${taskQueue}`,
      args: [
        {
          lakeUri: `s3://imagelake/lake`,
          source: { kind: 'files', root: source },
          labels: { kind: 'parent-dir' },
          classes: null,
          normalize: {},
          chunkSize: 100,
          partSize: 50,
          parallelism: 1,
        },
      ],
    });
    await sleep(1500);
    expect(await stopService(config.stateDir, 'minio')).toBe(true);
    expect((await handle.describe()).status.name).toBe('RUNNING'); // stopped mid-run, not after it
    await sleep(20_000);
    await minioUp(config); // same data directory and credentials
    const summary = await handle.result();
    tally.items(3000, summary.ingested + summary.duplicates);
    expect(summary).toMatchObject({ seen: 3000, ingested: 3000, duplicates: 0, quarantined: 0 });
  } finally {
    worker.kill('SIGKILL');
    await connection.close();
    await stackDown(config);
  }
});

import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli, spawnCli, type CliResult } from '../cli/run-cli.js';
import { fashionIdxSubset } from '../ingest/fixtures.js';
import { reliability } from '../reliability/tally.js';
import { s3Env, testS3Client, testStack } from '../setup/stack.js';

/** Where in `text` a secret appears, as is or base64-encoded (Temporal payloads are base64 JSON). */
function leaks(text: string, secrets: readonly string[]): string[] {
  // In base64 a string reads differently at each of 3 alignments: take the middle of each.
  const base64 = (s: string) =>
    [0, 1, 2].map((k) =>
      Buffer.from(`${'\0'.repeat(k)}${s}`)
        .toString('base64')
        .slice(4, 20),
    );
  const forms = secrets.flatMap((s) => [s, ...base64(s)]);
  return forms.filter((f) => text.includes(f));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

it('no S3 access key or secret in Temporal histories, logs, the lake, local state or error messages', async () => {
  const tally = reliability('secrets');
  const stack = testStack();
  const { accessKeyId, secretAccessKey } = stack.s3;
  const secrets = [accessKeyId, secretAccessKey];
  // The scanner finds what it looks for, as is and base64-encoded.
  expect(leaks(`x${secretAccessKey}x`, secrets)).toEqual([secretAccessKey]);
  expect(
    leaks(JSON.stringify({ data: Buffer.from(`"${accessKeyId}"`).toString('base64') }), secrets),
  ).toHaveLength(1);

  const taskQueue = `secrets-${randomBytes(4).toString('hex')}`;
  const prefix = `secrets-${randomBytes(4).toString('hex')}`;
  const lake = `s3://${stack.s3.bucket}/${prefix}`;
  const home = mkdtempSync(join(tmpdir(), 'imagelake-secrets-'));
  const env = {
    ...s3Env(stack),
    TEMPORAL_ADDRESS: stack.temporalAddress,
    IMAGELAKE_TASK_QUEUE: taskQueue,
    IMAGELAKE_STATE_DIR: join(home, 'state'),
    IMAGELAKE_CACHE_DIR: join(home, 'cache'),
    IMAGELAKE_LAKE: lake,
  };
  const worker = spawnCli(['worker'], env);
  let workerLog = '';
  worker.stdout?.on('data', (d: Buffer) => (workerLog += d.toString()));
  worker.stderr?.on('data', (d: Buffer) => (workerLog += d.toString()));
  const outputs: CliResult[] = [];
  const cli = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}, expectOk = true) => {
    const r = await runCli(args, { ...env, ...extraEnv });
    outputs.push(r);
    if (expectOk) expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r;
  };
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  try {
    // A real flow on the S3 lake, through the CLI and a worker process.
    const { images } = await fashionIdxSubset(400);
    await cli(['ingest', images, '--classes', 'fashion-mnist', '--json']);
    await cli(['dataset', 'create', 'fm', '--query', 'SELECT image_id FROM images']);
    const trained = JSON.parse(
      (await cli(['train', '--dataset', 'fm', '--epochs', '1', '--json'])).stdout,
    ) as {
      modelId: string;
    };
    await cli(['score', '--model', trained.modelId, '--where', 'true', '--json']);
    await cli(['sql', 'SELECT count(*) FROM predictions']);

    // Failures whose messages could carry credentials.
    const wrongSecret = await cli(
      ['sql', 'SELECT 1'],
      { AWS_SECRET_ACCESS_KEY: `${secretAccessKey}x` },
      false,
    );
    expect(wrongSecret.code).not.toBe(0);
    expect(wrongSecret.stderr).toMatch(/credential|access denied|signature/i);
    const wrongBucket = await cli(
      ['sql', 'SELECT 1', '--lake', `s3://no-such-bucket-${prefix}/x`],
      {},
      false,
    );
    expect(wrongBucket.code).not.toBe(0);
    const unreachable = await cli(['sql', 'SELECT 1'], { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9' }, false);
    expect(unreachable.code).not.toBe(0);
    const badTrain = await cli(['train', '--dataset', 'nope', '--epochs', '1'], {}, false); // fails in an activity
    expect(badTrain.code).not.toBe(0);
  } finally {
    worker.kill('SIGTERM');
    await new Promise((resolve) => worker.once('exit', resolve));
  }

  // (a) every history of the workflows this test ran, with each payload decoded.
  let histories = 0;
  let historyText = '';
  for await (const w of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    const history = await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory();
    const json = JSON.stringify(history, (_k, v: unknown) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v,
    );
    historyText += `${json}\n${JSON.stringify(history)}\n`;
    histories++;
  }
  await connection.close();
  expect(histories).toBeGreaterThanOrEqual(5);
  expect(leaks(historyText, secrets), `in ${histories} workflow histories`).toEqual([]);

  // (b) every log line and message.
  const logs = [workerLog, ...outputs.flatMap((o) => [o.stdout, o.stderr])].join('\n');
  expect(logs.length).toBeGreaterThan(1000);
  expect(leaks(logs, secrets), `in ${logs.length} bytes of logs and messages`).toEqual([]);

  // (c) every object the flow wrote to the lake.
  const s3 = testS3Client(stack);
  let objects = 0;
  let bytes = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: stack.s3.bucket, Prefix: `${prefix}/`, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) {
      const body = Buffer.from(
        await (
          await s3.send(new GetObjectCommand({ Bucket: stack.s3.bucket, Key: o.Key }))
        ).Body!.transformToByteArray(),
      );
      objects++;
      bytes += body.length;
      expect(leaks(body.toString('latin1'), secrets), o.Key).toEqual([]);
    }
    token = page.NextContinuationToken;
  } while (token);
  s3.destroy();
  expect(objects).toBeGreaterThan(10);

  // (d) the local state and cache the CLI and the worker wrote (metadata mirror, checkpoints, temp files).
  const local = filesUnder(home);
  for (const file of local) expect(leaks(readFileSync(file).toString('latin1'), secrets), file).toEqual([]);
  tally.inputs(histories + objects + local.length + outputs.length + 1);
  console.log(
    `secrets scan: ${histories} histories, ${logs.length} bytes of logs, ${objects} lake objects (${bytes} bytes), ${local.length} local files: clean`,
  );
});

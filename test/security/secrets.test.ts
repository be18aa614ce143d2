import { DuckDBInstance } from '@duckdb/node-api';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { runCli, type CliResult } from '../cli/run-cli.js';
import { fashionIdxSubset } from '../ingest/fixtures.js';
import { reliability } from '../reliability/tally.js';
import { s3Env, testS3Client, testStack } from '../setup/stack.js';
import {
  lakeObjects,
  leafText,
  leaksIn,
  localFiles,
  scanFiles,
  secretForms,
  type Scan,
  type SecretForm,
} from './leak-scan.js';
import { startWorker, stopWorker } from './worker-process.js';

/** The workflow types the flow below runs; each must be among the histories scanned. */
const FLOW_TYPES = [
  'IngestWorkflow',
  'DatasetCreateWorkflow',
  'TrainWorkflow',
  'BatchScoreWorkflow',
  'EvaluateWorkflow',
];
/** Workflows the flow below makes fail in an activity. */
const FAILED_RUNS = 3;

interface Execution {
  readonly workflowId: string;
  readonly runId: string;
  readonly type: string;
  readonly status: string;
}

/** Every workflow on the task queues, once visibility lists the ones expected (it lags a little). */
async function executionsOn(client: Client, queues: string[]): Promise<Execution[]> {
  const query = queues.map((q) => `TaskQueue = '${q}'`).join(' OR ');
  let executions: Execution[] = [];
  for (let attempt = 0; attempt < 40; attempt++) {
    executions = [];
    for await (const w of client.workflow.list({ query }))
      executions.push({ workflowId: w.workflowId, runId: w.runId, type: w.type, status: w.status.name });
    const types = new Set(executions.map((e) => e.type));
    const failed = executions.filter((e) => e.status === 'FAILED').length;
    if (FLOW_TYPES.every((t) => types.has(t)) && failed >= FAILED_RUNS) break;
    await sleep(250);
  }
  return executions;
}

/** Scans each history as proto3 JSON (payloads in base64) and with every payload's bytes decoded. */
async function scanHistories(
  client: Client,
  executions: Execution[],
  secrets: SecretForm[],
  canary: SecretForm[],
) {
  const leaks: string[] = [];
  const canaryFound = new Set<string>();
  let events = 0;
  let bytes = 0;
  let text = '';
  for (const e of executions) {
    const history = await client.workflow.getHandle(e.workflowId, e.runId).fetchHistory();
    const json = historyToJSON(history);
    const decoded = leafText(history);
    events += history.events?.length ?? 0;
    bytes += json.length + decoded.length;
    const where = `the history of ${e.type} ${e.workflowId}`;
    for (const label of leaksIn(json, secrets)) leaks.push(`${label} in ${where} (proto3 JSON)`);
    for (const label of leaksIn(decoded, secrets)) leaks.push(`${label} in ${where} (payloads decoded)`);
    for (const label of [...leaksIn(json, canary), ...leaksIn(decoded, canary)]) canaryFound.add(label);
    text += decoded;
  }
  const summary = `${executions.length} workflow histories (${events} events, ${bytes} bytes)`;
  return { leaks, canaryFound: [...canaryFound], summary, text };
}

it('no S3 access key or secret in Temporal histories, logs, the lake, local state or error messages', async () => {
  const tally = reliability('secrets');
  const stack = testStack();
  const { accessKeyId, secretAccessKey } = stack.s3;
  const secrets = [
    ...secretForms('access key id', accessKeyId),
    ...secretForms('secret access key', secretAccessKey),
  ];
  // A value planted where a leaked secret would travel: in the ingest source path (workflow input,
  // Avro records, Parquet tables, the local mirror) and an unknown dataset name (error messages).
  // Each place below must show it, or that place is not really read.
  const canaryValue = `canary${randomBytes(8).toString('hex')}`;
  const canary = secretForms('canary', canaryValue);

  // The scanner finds a secret as is, base64-encoded at every alignment, and in payload bytes.
  expect(leaksIn(`x${secretAccessKey}x`, secrets)).toEqual(['secret access key']);
  for (const k of [0, 1, 2]) {
    const encoded = Buffer.from(`${'{'.repeat(k)}"${accessKeyId}"`).toString('base64');
    expect(leaksIn(encoded, secrets).length, `base64 at offset ${k}`).toBeGreaterThan(0);
  }
  const payload = {
    events: [{ input: { payloads: [{ data: Buffer.from(`{"k":"${secretAccessKey}"}`) }] } }],
  };
  expect(leaksIn(leafText(payload), secrets)).toEqual(['secret access key']);

  const taskQueue = `secrets-${randomBytes(4).toString('hex')}`;
  const badQueue = `${taskQueue}-badsecret`;
  const prefix = `secrets-${randomBytes(4).toString('hex')}`;
  const home = mkdtempSync(join(tmpdir(), 'imagelake-secrets-'));
  const scratch = mkdtempSync(join(tmpdir(), 'imagelake-secrets-scratch-'));
  mkdirSync(join(home, 'tmp'));
  const env: NodeJS.ProcessEnv = {
    ...s3Env(stack),
    TEMPORAL_ADDRESS: stack.temporalAddress,
    IMAGELAKE_TASK_QUEUE: taskQueue,
    IMAGELAKE_LAKE: `s3://${stack.s3.bucket}/${prefix}`,
    IMAGELAKE_STATE_DIR: join(home, 'state'),
    IMAGELAKE_CACHE_DIR: join(home, 'cache'),
    TMPDIR: join(home, 'tmp'), // temporary files the processes leave behind are scanned too
  };
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  const duckdb = await DuckDBInstance.create(':memory:');
  try {
    const worker = startWorker(env);
    // A worker whose secret is wrong: its activities fail on S3 and the failures go into histories.
    const badWorker = startWorker({
      ...env,
      IMAGELAKE_TASK_QUEUE: badQueue,
      AWS_SECRET_ACCESS_KEY: `${secretAccessKey}x`,
    });
    const runs: { name: string; result: CliResult }[] = [];
    const cli = async (name: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
      const result = await runCli(args, { ...env, ...extraEnv });
      runs.push({ name, result });
      return result;
    };
    const ok = async (name: string, args: string[]) => {
      const r = await cli(name, args);
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      return r;
    };
    const fails = async (name: string, args: string[], reason: RegExp, extraEnv: NodeJS.ProcessEnv = {}) => {
      const r = await cli(name, args, extraEnv);
      expect(r.code, `${name} should fail`).not.toBe(0);
      expect(r.stderr, `${name} fails for the reason provoked`).toMatch(reason);
    };
    const missingBucket = `s3://no-such-bucket-${prefix}/x`;
    try {
      const subset = await fashionIdxSubset(400);
      const source = join(scratch, canaryValue);
      mkdirSync(source);
      for (const file of [subset.images, subset.labels]) copyFileSync(file, join(source, basename(file)));
      await worker.ready;

      // A real flow on the S3 lake, through the CLI and the worker process.
      const images = join(source, basename(subset.images));
      await ok('ingest', ['ingest', images, '--classes', 'fashion-mnist', '--json']);
      await ok('dataset create', [
        'dataset',
        'create',
        'fm',
        '--query',
        'SELECT image_id FROM images',
        '--json',
      ]);
      const train = await ok('train', ['train', '--dataset', 'fm', '--epochs', '1', '--json']);
      const { modelId } = JSON.parse(train.stdout) as { modelId: string };
      await ok('score', ['score', '--model', modelId, '--where', 'true', '--json']);
      await ok('evaluate', ['evaluate', modelId, '--dataset', 'fm', '--split', 'test', '--json']);
      await ok('sql', ['sql', 'SELECT count(*) FROM predictions']);

      // Failures whose messages could carry credentials: in the CLI process, stack traces on ...
      const debug = { IMAGELAKE_DEBUG: '1' };
      await fails('sql, wrong secret', ['sql', 'SELECT 1'], /refused \(SignatureDoesNotMatch\)/, {
        ...debug,
        AWS_SECRET_ACCESS_KEY: `${secretAccessKey}x`,
      });
      await fails('sql, key and secret swapped', ['sql', 'SELECT 1'], /refused \(InvalidAccessKeyId\)/, {
        ...debug,
        AWS_ACCESS_KEY_ID: secretAccessKey,
        AWS_SECRET_ACCESS_KEY: accessKeyId,
      });
      await fails(
        'sql, missing bucket',
        ['sql', 'SELECT 1', '--lake', missingBucket],
        /does not exist/,
        debug,
      );
      await fails('sql, unreachable endpoint', ['sql', 'SELECT 1'], /cannot reach the endpoint/, {
        ...debug,
        AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9',
      });
      // ... and in activities, where the failure is recorded in the workflow's history (FAILED_RUNS).
      await badWorker.ready;
      const create = ['dataset', 'create', 'fm2', '--query', 'SELECT image_id FROM images'];
      await fails('dataset create, worker with a wrong secret', create, /refused \(SignatureDoesNotMatch\)/, {
        IMAGELAKE_TASK_QUEUE: badQueue,
      });
      await fails('dataset create, missing bucket', [...create, '--lake', missingBucket], /does not exist/);
      await fails('train, unknown dataset', ['train', '--dataset', canaryValue, '--epochs', '1'], /canary/);
    } finally {
      await Promise.all([stopWorker(worker), stopWorker(badWorker)]);
    }

    // (a) the full history of every workflow on both task queues.
    const executions = await executionsOn(client, [taskQueue, badQueue]);
    expect([...new Set(executions.map((e) => e.type))]).toEqual(expect.arrayContaining(FLOW_TYPES));
    expect(executions.filter((e) => e.status === 'FAILED').length, 'failed workflows').toBe(FAILED_RUNS);
    const histories = await scanHistories(client, executions, secrets, canary);
    expect(histories.leaks.join('\n'), `secrets in ${histories.summary}`).toBe('');
    // Read decoded and in base64, failure messages included.
    expect(histories.canaryFound, `canary in ${histories.summary}`).toContain('canary');
    expect(histories.canaryFound.join(), `base64 canary in ${histories.summary}`).toMatch(/base64/);
    expect(histories.text, `S3 refusal in ${histories.summary}`).toMatch(/refused \(SignatureDoesNotMatch\)/);

    // (b) every log and message: both workers' output and every command's stdout and stderr.
    const logs = [
      { name: 'worker', text: worker.log() },
      { name: 'worker with a wrong secret', text: badWorker.log() },
      ...runs.flatMap(({ name, result }) => [
        { name: `${name}: stdout`, text: result.stdout },
        { name: `${name}: stderr`, text: result.stderr },
      ]),
    ];
    const logText = logs.map((l) => l.text).join('\n');
    const logSummary = `${logs.length} logs and messages (${logText.length} bytes)`;
    const logLeaks = logs.flatMap((l) => leaksIn(l.text, secrets).map((label) => `${label} in ${l.name}`));
    expect(logLeaks.join('\n'), `secrets in ${logSummary}`).toBe('');
    expect(leaksIn(logText, canary), `canary in ${logSummary}`).toContain('canary');

    // (c) every object under the test's prefix of the lake, raw and decoded.
    const scan: Scan = { secrets, canary, duckdb, scratch: join(scratch, 'parquet') };
    const s3 = testS3Client(stack);
    const lake = await scanFiles(scan, lakeObjects(s3, stack.s3.bucket, `${prefix}/`)).finally(() =>
      s3.destroy(),
    );
    expect(lake.files, `lake: ${lake.summary}`).toBeGreaterThan(10);
    expect(lake.leaks.join('\n'), `secrets in the lake: ${lake.summary}`).toBe('');
    expect(lake.canaryIn, `canary in the lake: ${lake.summary}`).toEqual(
      expect.arrayContaining(['avro', 'parquet']),
    );

    // (d) the state, cache and temporary directories of the CLI and the workers.
    const local = await scanFiles(scan, localFiles(home));
    expect(local.leaks.join('\n'), `secrets in local files: ${local.summary}`).toBe('');
    expect(local.canaryIn, `canary in local files: ${local.summary}`).toContain('parquet');

    tally.inputs(executions.length + logs.length + lake.files + local.files);
    console.log(
      `secrets scan: ${histories.summary}; ${logSummary}; lake ${lake.summary}; local ${local.summary}: clean`,
    );
  } finally {
    await connection.close();
    duckdb.closeSync();
    await rm(home, { recursive: true, force: true });
    await rm(scratch, { recursive: true, force: true });
  }
  // 13 CLI processes and two workers, one after another: about 40 s on a quiet machine, and
  // past the default 60 s when the machine is busy (a CI run beside other work hit it).
}, 180_000);

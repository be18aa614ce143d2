import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { findFashionMnist, FASHION_MNIST_CLASSES, openIdxPair } from '../../lib/idx/index.js';
import { LocalLake } from '../../lib/lake/index.js';
import { buildModel, initBackend, saveModel } from '../../lib/model/index.js';
import { moveAlias } from '../../lib/registry/aliases.js';
import { registryLayout } from '../../lib/registry/layout.js';
import type { ModelCard } from '../../lib/registry/model-card.js';
import { spawnCli } from '../cli/run-cli.js';
import { startStack } from '../setup/start-stack.js';
import { figure, type Benchmark } from './harness.js';
import { fashionTrainLake, startWorkers, stopWorkers } from './workers.js';

const MICRO_BATCHES = 300;
const FILES_PER_BATCH = 10;
const PROMOTE_EVERY = 14;
const PROMOTIONS = 20;
const SAMPLE_EVERY = 15; // 20 points on the curve

/** Resident memory of a live process in MiB (Linux VmRSS). */
function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** A model registered as training would (card, artifacts, manifest): an mlp of its own seed. */
async function registerModel(lake: LocalLake, seed: number): Promise<string> {
  const id = `mlp-watch-bench-${String(seed).padStart(3, '0')}`;
  const model = buildModel('mlp', { width: 28, height: 28, classes: 10 }, seed);
  const artifacts = await saveModel(model);
  model.dispose();
  await lake.put(registryLayout.modelJson(id), artifacts.modelJson);
  await lake.put(registryLayout.weights(id), artifacts.weights);
  const card: ModelCard = {
    kind: 'model',
    id,
    arch: 'mlp',
    params: { seed },
    seed,
    dataset: { ref: 'fm@1', name: 'fm', version: 1, contentHash: '0'.repeat(64) },
    classes: [...FASHION_MNIST_CLASSES],
    input: { width: 28, height: 28 },
    curves: [],
    stopped: 'completed',
    backend: 'wasm',
    versions: {},
    codeVersion: 'bench',
    trainSeconds: 0,
    samplesPerSecond: 0,
    createdAt: new Date().toISOString(),
    artifacts: { modelJson: registryLayout.modelJson(id), weights: registryLayout.weights(id) },
    sweepId: null,
  };
  await lake.put(registryLayout.card(id), JSON.stringify(card, null, 2));
  await lake.putIfAbsent(registryLayout.manifest(id), JSON.stringify(card, null, 2));
  return id;
}

/** Resolves once `imagelake watch` has reported micro-batches covering `files` more files. */
function watchReports(stdout: NodeJS.ReadableStream) {
  let reported = 0;
  let buffer = '';
  const waiters: { until: number; resolve: () => void }[] = [];
  stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      const m = /^watch: (\d+) files:/.exec(line);
      if (m) reported += Number(m[1]);
    }
    for (const w of waiters.filter((w) => reported >= w.until)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  return (until: number) =>
    new Promise<void>((resolve) => (reported >= until ? resolve() : waiters.push({ until, resolve })));
}

/**
 * Issue 18: a worker behind `imagelake watch` keeps its memory flat. A lake of the 60k
 * Fashion-MNIST training images; then 300 micro-batches of 10 new PNGs dropped into the watched
 * folder (each an ingest and a pre-labeling run) while the production alias moves to a new model 20
 * times (each new model is loaded and scores every image of the watcher). The worker is its own
 * process; its resident memory is read after every 15th micro-batch.
 */
export const benchmark: Benchmark = {
  name: 'worker memory behind imagelake watch: 300 micro-batches and 20 promotions',
  issue: 18,
  async run() {
    const { stack, stop } = await startStack({ s3: false });
    const connection = await Connection.connect({ address: stack.temporalAddress });
    const client = new Client({ connection });
    const lakeUri = mkdtempSync(join(tmpdir(), 'imagelake-bench-watch-'));
    const incoming = mkdtempSync(join(tmpdir(), 'imagelake-bench-watch-in-'));
    const drops = mkdtempSync(join(tmpdir(), 'imagelake-bench-watch-drop-'));
    const taskQueue = `bench-watch-${randomBytes(4).toString('hex')}`;
    const env = {
      TEMPORAL_ADDRESS: stack.temporalAddress,
      IMAGELAKE_TASK_QUEUE: taskQueue,
      IMAGELAKE_STATE_DIR: mkdtempSync(join(tmpdir(), 'imagelake-bench-watch-state-')),
    };
    const workers = await startWorkers(1, env);
    const worker = workers[0]!;
    const watch = spawnCli(
      ['watch', incoming, '--lake', lakeUri, '--interval', '100', '--settle', '20'],
      env,
    );
    try {
      await fashionTrainLake(client, taskQueue, lakeUri);
      await initBackend();
      const lake = new LocalLake(lakeUri);
      await moveAlias(lake, 'production', await registerModel(lake, 0), 'bench');
      const test = await openIdxPair(findFashionMnist().testImages, null);
      const reported = watchReports(watch.stdout!);
      const curve: { batch: number; mib: number }[] = []; // whole MiB
      const started = performance.now();
      for (let batch = 1; batch <= MICRO_BATCHES; batch++) {
        // Written aside, then moved in: the watcher sees the whole micro-batch at once, settled.
        for (let j = 0; j < FILES_PER_BATCH; j++) {
          const i = (batch - 1) * FILES_PER_BATCH + j;
          const png = await sharp(test.image(i), { raw: { width: 28, height: 28, channels: 1 } })
            .png()
            .toBuffer();
          writeFileSync(join(drops, `${i}.png`), png);
        }
        for (let j = 0; j < FILES_PER_BATCH; j++) {
          const name = `${(batch - 1) * FILES_PER_BATCH + j}.png`;
          renameSync(join(drops, name), join(incoming, name));
        }
        await reported(batch * FILES_PER_BATCH);
        if (batch % SAMPLE_EVERY === 0) curve.push({ batch, mib: Math.round(rssMiB(worker.pid!)) });
        if (batch % PROMOTE_EVERY === 0 && batch / PROMOTE_EVERY <= PROMOTIONS)
          await moveAlias(lake, 'production', await registerModel(lake, batch / PROMOTE_EVERY), 'bench');
      }
      const minutes = (performance.now() - started) / 60_000;
      const first = curve[0]!;
      const last = curve.at(-1)!;
      const curveText = curve.map((p) => `${p.batch}: ${p.mib}`).join(', ');
      return [
        figure({
          name: `worker RSS after micro-batch ${last.batch} (ratio: last/first)`,
          value: last.mib,
          unit: 'MiB',
          baseline: { name: `RSS after micro-batch ${first.batch}`, value: first.mib },
          target: { op: '<=', value: Math.round(first.mib * 1.1) },
          note: `flat: within 10% of the first point; RSS (MiB) after each ${SAMPLE_EVERY}th micro-batch: ${curveText}; ${MICRO_BATCHES} micro-batches of ${FILES_PER_BATCH} PNGs over a 60k-image lake, ${PROMOTIONS} promotions, ${minutes.toFixed(1)} min`,
        }),
        figure({
          name: 'worker RSS, highest point of the curve',
          value: Math.max(...curve.map((p) => p.mib)),
          unit: 'MiB',
          baseline: { name: `RSS after micro-batch ${first.batch}`, value: first.mib },
        }),
      ];
    } finally {
      watch.kill('SIGTERM');
      await stopWorkers(workers);
      await connection.close();
      await stop();
      for (const dir of [lakeUri, incoming, drops, env.IMAGELAKE_STATE_DIR])
        rmSync(dir, { recursive: true, force: true });
    }
  },
};

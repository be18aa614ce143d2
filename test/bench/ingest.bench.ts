import { Client, Connection } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { findFashionMnist, openIdxPair, type IdxPair } from '../../lib/idx/index.js';
import { normalizeImage } from '../../lib/image/index.js';
import { IngestWorkflow } from '../../workflows/index.js';
import { startStack } from '../setup/start-stack.js';
import { figure, type Benchmark, type Figure } from './harness.js';
import { peakRssMiB, startWorkers, stopWorkers } from './workers.js';

/** n unique 28x28 gray PNGs from real Fashion-MNIST (train + test; beyond 70k a pixel is bumped). */
async function pngFolder(n: number, train: IdxPair, test: IdxPair): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'imagelake-bench-png-'));
  for (let i = 0; i < n; i++) {
    const j = i % 70_000;
    const pixels = Buffer.from(j < 60_000 ? train.image(j) : test.image(j - 60_000));
    pixels[0] = Math.floor(i / 70_000);
    if (i % 1000 === 0) mkdirSync(join(dir, `d${Math.floor(i / 1000)}`));
    writeFileSync(
      join(dir, `d${Math.floor(i / 1000)}`, `${i}.png`),
      await sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } })
        .toColourspace('b-w')
        .png()
        .toBuffer(),
    );
  }
  return dir;
}

/** Large inputs: 1024x768 JPEGs made from real images. */
async function jpegFolder(n: number, test: IdxPair): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'imagelake-bench-jpeg-'));
  for (let i = 0; i < n; i++) {
    const jpeg = await sharp(Buffer.from(test.image(i)), { raw: { width: 28, height: 28, channels: 1 } })
      .resize(1024, 768, { fit: 'fill' })
      .jpeg({ quality: 90 })
      .toBuffer();
    writeFileSync(join(dir, `${i}.jpg`), jpeg);
  }
  return dir;
}

async function timedIngest(
  client: Client,
  taskQueue: string,
  dir: string,
  workers: number,
  originals: 'keep' | 'none' = 'keep',
): Promise<{ rate: number; seen: number; lakeBytes: number }> {
  const lakeUri = mkdtempSync(join(tmpdir(), 'imagelake-bench-lake-'));
  const start = performance.now();
  const summary = await client.workflow.execute(IngestWorkflow, {
    taskQueue,
    workflowId: `bench-${randomBytes(4).toString('hex')}`,
    args: [
      {
        lakeUri,
        source: { kind: 'files', root: dir },
        labels: { kind: 'none' },
        classes: null,
        normalize: {},
        parallelism: workers * 2,
        chunkSize: 8192,
        originals,
      },
    ],
  });
  const seconds = (performance.now() - start) / 1000;
  const lakeBytes = treeBytes(lakeUri);
  rmSync(lakeUri, { recursive: true, force: true });
  settleDisk();
  if (summary.ingested !== summary.seen)
    throw new Error(`bench: ingested ${summary.ingested} of ${summary.seen}`);
  return { rate: summary.seen / seconds, seen: summary.seen, lakeBytes };
}

/** The bytes of every file under a folder. */
function treeBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + statSync(join(e.parentPath, e.name)).size, 0);
}

/**
 * Flushes the harness's own writes (the 110k input files just made, the lake a run removed) before
 * a timed run: otherwise the kernel writes them back during the next run, on the same 2 cores
 * (several CPU-seconds of kworker time per run was measured), and the figure measures the harness.
 */
function settleDisk(): void {
  execFileSync('sync');
}

function imagemagickRate(dir: string, count: number): number {
  const files = readdirSync(join(dir, 'd0')).slice(0, count);
  const out = mkdtempSync(join(tmpdir(), 'imagelake-bench-pgm-'));
  const start = performance.now();
  for (const f of files) execFileSync('convert', [join(dir, 'd0', f), join(out, `${f}.pgm`)]);
  rmSync(out, { recursive: true, force: true });
  return files.length / ((performance.now() - start) / 1000);
}

async function sharpRate(dir: string, count: number): Promise<number> {
  const { readFileSync } = await import('node:fs');
  const files = readdirSync(join(dir, 'd0'))
    .slice(0, count)
    .map((f) => readFileSync(join(dir, 'd0', f)));
  const start = performance.now();
  for (const bytes of files) await normalizeImage(bytes, {}, 'sharp');
  return files.length / ((performance.now() - start) / 1000);
}

export const benchmark: Benchmark = {
  name: 'ingest 28x28 PNG into a local lake, end to end',
  issue: 3,
  async run() {
    const fm = findFashionMnist();
    const [train, test] = await Promise.all([
      openIdxPair(fm.trainImages, fm.trainLabels),
      openIdxPair(fm.testImages, fm.testLabels),
    ]);
    const { stack, stop } = await startStack({ s3: false });
    const connection = await Connection.connect({ address: stack.temporalAddress });
    const client = new Client({ connection });
    const dirs: string[] = [];
    const figures: Figure[] = [];
    try {
      const small = await pngFolder(10_000, train, test);
      const big = await pngFolder(100_000, train, test);
      const jpegs = await jpegFolder(300, test);
      dirs.push(small, big, jpegs);
      settleDisk();
      const convert = {
        name: 'ImageMagick convert, one process per file (the original system)',
        value: imagemagickRate(small, 200),
      };
      const perImageSharp = {
        name: 'one sharp pipeline per image, one thread',
        value: await sharpRate(small, 2000),
      };
      for (const [label, dir, workerCount] of [
        ['10k PNG, 1 worker', small, 1],
        ['100k PNG, 1 worker', big, 1],
        ['100k PNG, 2 workers', big, 2],
        ['300 JPEG 1024x768, 1 worker', jpegs, 1],
      ] as const) {
        const taskQueue = `bench-${randomBytes(4).toString('hex')}`;
        // Ingest of small files is CPU-bound: a worker takes 2 chunks at a time (the workflow runs
        // 2 per worker), so 2 workers split them evenly instead of one taking 3 of the first 4.
        const workers = await startWorkers(
          workerCount,
          { TEMPORAL_ADDRESS: stack.temporalAddress, IMAGELAKE_TASK_QUEUE: taskQueue },
          ['--max-activities', '2'],
        );
        try {
          const { rate, lakeBytes } = await timedIngest(client, taskQueue, dir, workerCount);
          if (dir === big && workerCount === 2) {
            // The same ingest keeping no originals, on the same workers right after: what keeping
            // them costs in time, and how much more than their own bytes the lake grows by.
            const bare = await timedIngest(client, taskQueue, dir, workerCount, 'none');
            figures.push(
              figure({
                name: `${label}: originals kept vs none`,
                value: rate,
                unit: 'images/s',
                baseline: { name: 'the same ingest with --no-originals', value: bare.rate },
              }),
              figure({
                name: `${label}: lake growth from keeping originals, beyond their bytes`,
                value: ((lakeBytes - bare.lakeBytes) / treeBytes(dir) - 1) * 100,
                unit: '%',
                note: `originals ${treeBytes(dir)} bytes; lake ${lakeBytes} bytes with them, ${bare.lakeBytes} without`,
              }),
            );
          }
          const rss = Math.max(...workers.map((w) => peakRssMiB(w.pid!)));
          figures.push(
            figure({
              name: `${label}: images/s`,
              value: rate,
              unit: 'images/s',
              baseline: convert,
              target: dir === jpegs ? undefined : { op: '>=', value: 20_000 },
              note:
                dir === small
                  ? "a 10k run lasts about a second, a third of it the run's fixed costs (a fresh worker's first workflow task, plan, commit)"
                  : undefined,
            }),
          );
          figures.push(
            figure({
              name: `${label}: vs one sharp pipeline per image`,
              value: rate,
              unit: 'images/s',
              baseline: perImageSharp,
            }),
          );
          figures.push(
            figure({
              name: `${label}: worker peak RSS`,
              value: rss,
              unit: 'MiB',
              target: { op: '<=', value: 1024 },
            }),
          );
        } finally {
          await stopWorkers(workers);
        }
      }
      return figures;
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
      await connection.close();
      await stop();
    }
  },
};

import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { findFashionMnist, openIdxPair } from '../../lib/idx/index.js';
import { LocalLake } from '../../lib/lake/index.js';
import { initBackend } from '../../lib/model/index.js';
import { startService } from '../../lib/serve/server.js';
import { registerUntrainedModel } from '../serve/untrained-model.js';
import { figure, type Benchmark } from './harness.js';

const REQUESTS = 2000;
const CONCURRENCY = 32;

/** Latencies of `REQUESTS` POSTs from `concurrency` clients, and the wall time. */
async function load(url: string, body: Buffer, concurrency: number, n: number) {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < n) {
        const t = performance.now();
        const r = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'image/png' } });
        if (r.status !== 200) throw new Error(`bench: ${url} answered ${r.status}`);
        await r.arrayBuffer();
        latencies.push(performance.now() - t);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { p50: at(0.5), p99: at(0.99), perSecond: (n / (performance.now() - start)) * 1000 };
}

/** Issue 9: the service's latency and throughput for 28x28 PNG requests, beside a bare HTTP server. */
export const benchmark: Benchmark = {
  name: 'serve: single 28x28 PNG requests on loopback',
  issue: 9,
  async run() {
    await initBackend();
    const root = mkdtempSync(join(tmpdir(), 'imagelake-bench-serve-'));
    const lake = new LocalLake(root);
    await registerUntrainedModel(lake, 'mlp-benchbenchbench1');
    const fm = findFashionMnist();
    const png = await sharp((await openIdxPair(fm.testImages, null)).image(0), {
      raw: { width: 28, height: 28, channels: 1 },
    })
      .png()
      .toBuffer();
    const service = await startService({ lake, model: 'production', host: '127.0.0.1', port: 0 });
    const bare = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    });
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', () => r()));
    const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}/`;
    try {
      await load(`${service.url}/v1/predict`, png, 4, 200); // warm-up
      const single = await load(`${service.url}/v1/predict`, png, 1, 500);
      const singleBare = await load(bareUrl, png, 1, 500);
      const many = await load(`${service.url}/v1/predict`, png, CONCURRENCY, REQUESTS);
      const manyBare = await load(bareUrl, png, CONCURRENCY, REQUESTS);
      return [
        figure({
          name: 'p50 latency, one client',
          value: single.p50,
          unit: 'ms',
          higherIsBetter: false,
          baseline: { name: 'bare Node HTTP server', value: singleBare.p50 },
        }),
        figure({
          name: 'p99 latency, one client',
          value: single.p99,
          unit: 'ms',
          higherIsBetter: false,
          baseline: { name: 'bare Node HTTP server', value: singleBare.p99 },
        }),
        figure({
          name: `throughput, ${CONCURRENCY} clients`,
          value: many.perSecond,
          unit: 'requests/s',
          baseline: { name: 'bare Node HTTP server', value: manyBare.perSecond },
        }),
        figure({
          name: `p99 latency, ${CONCURRENCY} clients`,
          value: many.p99,
          unit: 'ms',
          higherIsBetter: false,
          baseline: { name: 'bare Node HTTP server', value: manyBare.p99 },
        }),
      ];
    } finally {
      await service.close();
      bare.close();
      rmSync(root, { recursive: true, force: true });
    }
  },
};

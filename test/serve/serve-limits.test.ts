import type { ChildProcess } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalLake } from '../../lib/lake/index.js';
import { DEFAULT_REQUEST_LIMITS } from '../../lib/serve/request-limits.js';
import { freePort } from '../../lib/stack/ports.js';
import { spawnCli } from '../cli/run-cli.js';
import { reliability } from '../reliability/tally.js';
import { registerUntrainedModel } from './untrained-model.js';

const { maxImages, maxPixels } = DEFAULT_REQUEST_LIMITS;
const lake = mkdtempSync(join(tmpdir(), 'imagelake-serve-limits-'));
/** A real `imagelake serve` with the default limits, and one that lets any number of images in. */
let capped: Service;
let open: Service;
let tiny: Buffer; // a 1x1 PNG: the cheapest image to send, one resize to serve
let digit: Buffer; // a 28x28 PNG

interface Service {
  readonly process: ChildProcess;
  readonly url: string;
}

async function startServe(...flags: string[]): Promise<Service> {
  const port = await freePort();
  const child = spawnCli(['serve', '--lake', lake, '--port', String(port), ...flags]);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  // Listening when it says so; a process that exits first failed to start.
  await new Promise<void>((started, failed) => {
    child.stdout?.on('data', () => /serve: http:\/\//.test(output) && started());
    child.once('exit', (code) => failed(new Error(`serve exited with ${code} before listening: ${output}`)));
  });
  return { process: child, url: `http://127.0.0.1:${port}` };
}

beforeAll(async () => {
  await registerUntrainedModel(new LocalLake(lake), 'mlp-servelimits00001');
  [capped, open] = await Promise.all([startServe(), startServe('--max-images', '1000000')]);
  tiny = await sharp(Buffer.from([200]), { raw: { width: 1, height: 1, channels: 1 } })
    .png()
    .toBuffer();
  const strokes = Buffer.alloc(28 * 28, 0).map((_, i) => (i % 28 > 9 && i % 28 < 18 ? 255 : 0));
  digit = await sharp(strokes, { raw: { width: 28, height: 28, channels: 1 } })
    .png()
    .toBuffer();
}, 120_000);

afterAll(async () => {
  await Promise.all(
    [capped, open].map(
      (s) =>
        s &&
        new Promise((exited) => {
          if (s.process.exitCode !== null || s.process.signalCode !== null) return exited(undefined);
          s.process.once('exit', exited);
          s.process.kill('SIGTERM');
        }),
    ),
  );
});

/** The largest body serve takes (16 MiB) filled with tiny PNGs, as in the report: over 100,000 of them. */
function largestBody(): string {
  const each = tiny.toString('base64').length + 3; // quotes and a comma
  const body = json(Array.from({ length: Math.floor((16 * 2 ** 20 - 16) / each) }, () => tiny));
  expect(body.length).toBeLessThanOrEqual(16 * 2 ** 20);
  return body;
}

const json = (images: readonly Buffer[]) =>
  JSON.stringify({ images: images.map((i) => i.toString('base64')) });

const predict = (service: Service, body: string | Buffer, type = 'application/json') =>
  fetch(`${service.url}/v1/predict`, { method: 'POST', body, headers: { 'content-type': type } });

/** CPU seconds (user + system) the process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks
}

/** Resident memory of the process in MiB, from /proc. */
function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]!;
  return Number(kb) / 1024;
}

/** A gray PNG of width x height (one colour: small to send, every pixel to decode). */
const bigPng = (width: number, height: number) =>
  sharp(Buffer.alloc(width * height, 90), { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();

describe('imagelake serve bounds the work of one request', () => {
  it('refuses more images than the limit with 413 and a JSON error, before decoding any', async () => {
    const attack = largestBody();
    const cases = [
      { body: json(Array.from({ length: maxImages + 1 }, () => tiny)), type: 'application/json' },
      { body: attack, type: 'application/json' },
      {
        body: multipart(Array.from({ length: maxImages + 1 }, () => tiny)),
        type: 'multipart/form-data; boundary=b0',
      },
    ];
    reliability('bad-input', cases.length);
    const pid = capped.process.pid!;
    const before = cpuSeconds(pid);
    for (const { body, type } of cases) {
      const r = await predict(capped, body, type);
      expect(r.status, type).toBe(413);
      expect(((await r.json()) as { error: string }).error).toMatch(
        new RegExp(
          `serve: a request may carry at most ${maxImages} images, got (${maxImages + 1}|\\d{6}|more)`,
        ),
      );
    }
    // The 16 MB attack cost minutes of CPU when every image was decoded; refused, a parse.
    expect(cpuSeconds(pid) - before).toBeLessThan(3);
    const ok = await predict(capped, json(Array.from({ length: maxImages }, () => tiny)));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { predictions: unknown[] }).predictions).toHaveLength(maxImages);
  });

  it('refuses a request whose images decode to more pixels than the limit with 413', async () => {
    reliability('bad-input', 1);
    const side = 6000; // 36,000,000 pixels: one fits the 50,000,000-pixel limit, two do not
    const big = await bigPng(side, side);
    expect(side * side * 2).toBeGreaterThan(maxPixels);
    const one = await predict(capped, json([big, digit]));
    expect(one.status).toBe(200);
    const two = await predict(capped, json([digit, big, big, digit]));
    expect(two.status).toBe(413);
    expect(((await two.json()) as { error: string }).error).toBe(
      `serve: the request's images decode to more than the ${maxPixels}-pixel limit (image 3 of 4 would pass it)`,
    );
  });

  it('stops the work of a request whose client left', async () => {
    reliability('fault');
    const pid = open.process.pid!;
    const body = json(Array.from({ length: 100_000 }, () => tiny)); // minutes of work if done
    const gone = new AbortController();
    const answer = fetch(`${open.url}/v1/predict`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
      signal: gone.signal,
    }).catch((e: unknown) => e);
    const idle = cpuSeconds(pid);
    // Busy past reading and parsing the body: deep in the images. Then the client leaves.
    await expect.poll(() => cpuSeconds(pid) - idle, { timeout: 60_000, interval: 100 }).toBeGreaterThan(2);
    gone.abort();
    expect(await answer).toBeInstanceOf(Error);
    await sleep(1000); // the next chunk boundary
    const stopped = cpuSeconds(pid);
    await sleep(2000);
    expect(cpuSeconds(pid) - stopped).toBeLessThan(0.3);
    const metrics = await (await fetch(`${open.url}/metrics`)).text();
    expect(metrics).toContain('imagelake_requests_total{status="499"} 1');
  });

  it('keeps its memory after maximal requests near where it was before them', async () => {
    const pid = capped.process.pid!;
    for (let i = 0; i < 5; i++) expect((await predict(capped, json([digit]))).status).toBe(200);
    await sleep(500);
    const before = rssMiB(pid);
    const manyImages = json(Array.from({ length: maxImages }, () => tiny));
    const side = Math.floor(Math.sqrt(maxPixels / 2)); // two images of half the pixel limit
    const manyPixels = json([await bigPng(side, side), await bigPng(side, side)]);
    const largest = largestBody();
    const peaks: number[] = [];
    for (let round = 0; round < 3; round++) {
      expect((await predict(capped, largest)).status).toBe(413);
      peaks.push(rssMiB(pid));
      expect((await predict(capped, manyImages)).status).toBe(200);
      peaks.push(rssMiB(pid));
      expect((await predict(capped, manyPixels)).status).toBe(200);
      peaks.push(rssMiB(pid));
    }
    await sleep(1000);
    const after = rssMiB(pid);
    // Each request's garbage is a body's worth (16 MiB at most), not a decoded image per image.
    const curve = `${before.toFixed(0)} MiB before, ${peaks.map((p) => p.toFixed(0)).join(', ')} after each request, ${after.toFixed(0)} MiB at the end`;
    expect(after - before, curve).toBeLessThan(64);
    expect(Math.max(...peaks) - before, curve).toBeLessThan(96);
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function multipart(images: readonly Buffer[]): Buffer {
  return Buffer.concat([
    ...images.flatMap((p, i) => [
      Buffer.from(
        `--b0\r\nContent-Disposition: form-data; name="f${i}"; filename="${i}.png"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      p,
      Buffer.from('\r\n'),
    ]),
    Buffer.from('--b0--\r\n'),
  ]);
}

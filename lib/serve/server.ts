import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ImageRejectedError, normalizeImage } from '../image/index.js';
import type { Lake } from '../lake/lake.js';
import { argMax, predictProbabilities } from '../model/index.js';
import { ServiceMetrics } from './metrics.js';
import { ModelSlot } from './model-slot.js';
import { RequestError, requestImages } from './request-images.js';

export interface ServeOptions {
  readonly lake: Lake;
  /** Model id or alias to follow. */
  readonly model: string;
  readonly host: string;
  readonly port: number;
  /** How often the alias is checked for a move. Default 2 s. */
  readonly pollMs?: number;
  /** Largest request body. Default 16 MiB. */
  readonly maxBodyBytes?: number;
  /** Classes listed per prediction. Default 3. */
  readonly topK?: number;
  /** The latest drift level of a model (0 ok, 1 warn, 2 alert), for /metrics. */
  readonly driftLevel?: (modelId: string) => Promise<number | undefined>;
}

export interface RunningService {
  readonly server: Server;
  readonly url: string;
  readonly slot: ModelSlot;
  close(): Promise<void>;
}

/** The online scoring service: POST /v1/predict, GET /healthz, GET /metrics. */
export async function startService(o: ServeOptions): Promise<RunningService> {
  const slot = new ModelSlot(o.lake, o.model);
  await slot.refresh();
  if (!slot.modelId)
    throw new Error(`serve: cannot load "${o.model}": ${slot.lastError ?? 'unknown reason'}`);
  const metrics = new ServiceMetrics();
  const maxBody = o.maxBodyBytes ?? 16 * 2 ** 20;
  const topK = o.topK ?? 3;
  let drift: number | undefined;
  const poll = setInterval(() => {
    void slot.refresh();
    if (slot.modelId)
      void o.driftLevel?.(slot.modelId).then(
        (d) => (drift = d),
        () => undefined,
      );
  }, o.pollMs ?? 2000);

  const server = createServer((req, res) => {
    const started = performance.now();
    const reply = (status: number, body: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(type === 'application/json' ? JSON.stringify(body) : String(body));
      if (req.url?.startsWith('/v1/')) metrics.observe(status, (performance.now() - started) / 1000);
    };
    handle(req, res, reply).catch((error: unknown) => {
      if (error instanceof RequestError) reply(error.status, { error: error.message });
      else if (error instanceof ImageRejectedError)
        reply(400, { error: `image rejected: ${error.reason}: ${error.message}` });
      else reply(500, { error: (error as Error).message });
    });
  });

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    reply: (s: number, b: unknown, t?: string) => void,
  ) {
    if (req.method === 'GET' && req.url === '/healthz')
      return reply(slot.modelId ? 200 : 503, {
        status: slot.modelId ? 'ok' : 'no model',
        model: slot.modelId ?? null,
        lastError: slot.lastError ?? null,
      });
    if (req.method === 'GET' && req.url === '/metrics')
      return reply(200, metrics.render(slot.modelId, drift), 'text/plain; version=0.0.4');
    if (req.url !== '/v1/predict') return reply(404, { error: `no route ${req.method} ${req.url}` });
    if (req.method !== 'POST') return reply(405, { error: 'use POST' });
    const images = requestImages(req.headers['content-type'], await readBody(req, maxBody));
    const result = await slot.use(async ({ card, model }) => {
      const { width, height } = card.input;
      const x = new Float32Array(images.length * width * height);
      for (const [i, bytes] of images.entries()) {
        const n = await normalizeImage(bytes, { width, height });
        for (let p = 0; p < n.pixels.length; p++) x[i * width * height + p] = n.pixels[p]! / 255;
      }
      const probs = predictProbabilities(model, { x, n: images.length });
      const k = card.classes.length;
      return {
        model: card.id,
        predictions: images.map((_, i) => {
          const row = Array.from(probs.subarray(i * k, (i + 1) * k));
          const best = argMax(row);
          const top = row
            .map((p, c) => ({ class: c, name: card.classes[c] ?? String(c), probability: p }))
            .sort((a, b) => b.probability - a.probability)
            .slice(0, topK);
          return { class: best, name: card.classes[best] ?? String(best), probability: row[best], top };
        }),
      };
    });
    reply(200, result);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  return {
    server,
    url: `http://${o.host}:${port}`,
    slot,
    close: () =>
      new Promise((resolve) => {
        clearInterval(poll);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) {
      req.resume();
      return reject(new RequestError(413, `request body of ${declared} bytes exceeds the ${max}-byte limit`));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      // Past the limit: answer 413 now and let the rest drain unread (the process stays up).
      if (size > max) reject(new RequestError(413, `request body exceeds the ${max}-byte limit`));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

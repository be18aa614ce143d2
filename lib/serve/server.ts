import { createServer, type IncomingMessage, type Server } from 'node:http';
import { ImageRejectedError } from '../image/index.js';
import type { Lake } from '../lake/lake.js';
import { ServiceMetrics } from './metrics.js';
import { ModelSlot } from './model-slot.js';
import { predictImages } from './predict-images.js';
import { RequestError, requestImages } from './request-images.js';
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from './request-limits.js';

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
  /** Images and decoded pixels per request (DEFAULT_REQUEST_LIMITS: 256 images, 50,000,000 pixels). */
  readonly limits?: Partial<RequestLimits>;
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
  const limits: RequestLimits = { ...DEFAULT_REQUEST_LIMITS, ...o.limits };
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
    // The client leaving before its answer (the connection closes) stops the request's work.
    const left = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) left.abort(new Error('serve: the client closed the connection'));
    });
    const observe = (status: number) => {
      if (req.url?.startsWith('/v1/')) metrics.observe(status, (performance.now() - started) / 1000);
    };
    const reply = (status: number, body: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(type === 'application/json' ? JSON.stringify(body) : String(body));
      observe(status);
    };
    handle(req, reply, left.signal).catch((error: unknown) => {
      if (left.signal.aborted) observe(CLIENT_CLOSED);
      else if (error instanceof RequestError) reply(error.status, { error: error.message });
      else if (error instanceof ImageRejectedError)
        reply(400, { error: `image rejected: ${error.reason}: ${error.message}` });
      else reply(500, { error: (error as Error).message });
    });
  });

  async function handle(
    req: IncomingMessage,
    reply: (s: number, b: unknown, t?: string) => void,
    signal: AbortSignal,
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
    const images = requestImages(req.headers['content-type'], await readBody(req, maxBody), limits.maxImages);
    const result = await slot.use(async (loaded) => ({
      model: loaded.card.id,
      predictions: await predictImages(images, loaded, { maxPixels: limits.maxPixels, topK, signal }),
    }));
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

/** The status counted for a request whose client left before the answer (nginx's convention). */
const CLIENT_CLOSED = 499;

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

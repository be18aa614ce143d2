import type { Command } from 'commander';
import { loadConfig } from '../../lib/config.js';
import type { Lake } from '../../lib/lake/lake.js';
import { openLake } from '../../lib/lake/open-lake.js';
import { newestDriftCheck } from '../../lib/drift/newest.js';
import { initBackend } from '../../lib/model/index.js';
import { DEFAULT_REQUEST_LIMITS } from '../../lib/serve/request-limits.js';
import { startService } from '../../lib/serve/server.js';
import { LAKE_OPTION, positiveInt } from '../options.js';

interface ServeFlags {
  model: string;
  host: string;
  port: number;
  poll: number;
  maxImages: number;
  maxPixels: number;
  lake?: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'online scoring over HTTP: POST /v1/predict, GET /healthz, GET /metrics; follows an alias with hot reload',
    )
    .option('--model <model>', 'model id or alias to follow', 'production')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port', positiveInt, 8080)
    .option('--poll <ms>', 'how often the alias is checked', positiveInt, 2000)
    .option(
      '--max-images <n>',
      'images one request may carry (more: 413)',
      positiveInt,
      DEFAULT_REQUEST_LIMITS.maxImages,
    )
    .option(
      '--max-pixels <n>',
      'pixels one request may decode, summed over its images (more: 413)',
      positiveInt,
      DEFAULT_REQUEST_LIMITS.maxPixels,
    )
    .option(...LAKE_OPTION)
    .action(async (flags: ServeFlags) => {
      const config = loadConfig();
      const lake = openLake(flags.lake ?? config.lakeUri);
      const backend = await initBackend();
      const service = await startService({
        lake,
        model: flags.model,
        host: flags.host,
        port: flags.port,
        pollMs: flags.poll,
        limits: { maxImages: flags.maxImages, maxPixels: flags.maxPixels },
        driftLevel: latestDrift(lake),
      });
      console.log(
        `serve: ${service.url} answering with ${service.slot.modelId} (following "${flags.model}", ${backend.name} backend)`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => void service.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}

/** The level (0 ok, 1 warn, 2 alert) of the newest drift check of the served model, re-read at most every 30 s. */
function latestDrift(lake: Lake): (modelId: string) => Promise<number | undefined> {
  let cached: { at: number; modelId: string; level: number | undefined } | undefined;
  return async (modelId) => {
    if (cached?.modelId === modelId && Date.now() - cached.at < 30_000) return cached.level;
    const check = await newestDriftCheck(lake, modelId);
    cached = {
      at: Date.now(),
      modelId,
      level: check ? ['ok', 'warn', 'alert'].indexOf(check.level) : undefined,
    };
    return cached.level;
  };
}

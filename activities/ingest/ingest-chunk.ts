import { Context } from '@temporalio/activity';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { availableDeflaters, deflaterById, zlibDeflater, type BlockDeflater } from '../../lib/avro/index.js';
import { nativeCodecReason } from '../../lib/native/codec.js';
import { addCounts, zeroCounts, type IngestCounts } from '../../lib/ingest/manifest.js';
import { chunkRanges } from '../../lib/ingest/plan.js';
import type { IngestSource } from '../../lib/ingest/source.js';
import type { NormalizeOptions } from '../../lib/image/index.js';
import type { ActivityDeps } from '../deps.js';
import { knownHashes } from './committed.js';
import { processItem, type ItemContext } from './process-item.js';
import { writePart, readPartHashes } from './write-part.js';
import { openItems } from './open-items.js';
import { readPlanChunk } from './read-plan-chunk.js';
import { RawPartWriter } from '../../lib/raw/index.js';
import { keepOriginal } from './keep-original.js';

export interface IngestChunkInput {
  readonly lakeUri: string;
  readonly runId: string;
  readonly chunk: number;
  readonly source: IngestSource;
  readonly classes: readonly string[];
  /** True when the class list was given (--classes): a label outside it is quarantined. */
  readonly classesGiven: boolean;
  readonly normalize: Partial<NormalizeOptions>;
  /** Records per Avro batch file. */
  readonly partSize: number;
  /** Fixed by the workflow so every attempt writes identical bytes. */
  readonly ingestTimeMs: number;
  /** The plan's Avro deflater id (see IngestPlan). */
  readonly deflater?: string;
  /** False: the originals are not stored in the raw zone (--no-originals). Default true. */
  readonly keepOriginals?: boolean;
}

/** Reads in flight ahead of the item being processed. */
const READ_AHEAD = 32;
/** Items between turns of the event loop (about 10 ms of 28x28 PNGs). */
const YIELD_EVERY = 256;

interface Progress {
  readonly partsDone: number;
  readonly counts: IngestCounts;
}

/**
 * Ingests one chunk of the plan, part by part: read, hash, dedupe, normalize, write one Avro batch
 * and one staging Parquet per part. Heartbeats after each part; a retry resumes after the last
 * finished part (its objects are already in the lake under the same keys).
 */
export function createIngestChunk(deps: ActivityDeps) {
  return async function ingestChunk(input: IngestChunkInput): Promise<IngestCounts> {
    const ctx = Context.current();
    const deflater = runDeflater(input);
    const lake = deps.lakes.open(input.lakeUri);
    const plan = await readPlanChunk(lake, input.runId, input.chunk);
    const items = await openItems(deps, input.source, plan, input.classes, input.classesGiven);
    const known = await knownHashes(deps, lake, input.runId);
    const resume = ctx.info.heartbeatDetails as Progress | undefined;
    let progress: Progress = resume ?? { partsDone: 0, counts: zeroCounts() };
    // Hashes stored by earlier parts of this chunk: a duplicate within the chunk is not stored twice.
    const inChunk = new Set<string>(
      resume ? await readPartHashes(deps, lake, input.runId, input.chunk, resume.partsDone) : [],
    );

    const context: ItemContext = {
      source: input.source,
      chunk: input.chunk,
      classes: input.classes,
      classesGiven: input.classesGiven,
      normalize: input.normalize,
      known,
      inChunk,
    };
    const parts = chunkRanges(items.length, input.partSize);
    for (let part = progress.partsDone; part < parts.length; part++) {
      const { start, end } = parts[part]!;
      const outcomes = [];
      const { runId, chunk, ingestTimeMs } = input;
      const raw =
        input.keepOriginals === false ? undefined : new RawPartWriter(lake, { runId, chunk, part, deflater });
      // Reads start READ_AHEAD items ahead: asynchronous ones (S3, large files) run on the I/O
      // threads while this thread decodes; a small local file is read at once, when it is started.
      const reads = new Map<number, Uint8Array | Promise<Uint8Array>>();
      const startRead = (i: number) => {
        if (i >= end || reads.has(i)) return;
        let read: Uint8Array | Promise<Uint8Array>;
        try {
          read = items.get(i).read();
        } catch (error) {
          read = Promise.reject(error as Error);
        }
        if (read instanceof Promise) read.catch(() => undefined); // handled in processItem
        reads.set(i, read);
      };
      for (let i = start; i < Math.min(end, start + READ_AHEAD); i++) startRead(i);
      for (let i = start; i < end; i++) {
        // A turn of the event loop now and then: items that need no waiting would otherwise hold
        // the thread for a whole part (heartbeats, cancellation, the worker's workflow tasks).
        if ((i - start) % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
        if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
        startRead(i + READ_AHEAD);
        const outcome = processItem(items.get(i), reads.get(i)!, i, context);
        const kept = keepOriginal(raw, outcome instanceof Promise ? await outcome : outcome);
        outcomes.push(kept instanceof Promise ? await kept : kept);
        reads.delete(i);
      }
      const target = { runId, chunk, part, ingestTimeMs, deflater };
      const counts = await writePart(deps, lake, target, outcomes, await raw?.finish());
      progress = { partsDone: part + 1, counts: addCounts(progress.counts, counts) };
      ctx.heartbeat(progress);
    }
    return progress.counts;
  };
}

/** The run's deflater; a worker that lacks it refuses the chunk (Temporal retries it, maybe elsewhere). */
function runDeflater(input: IngestChunkInput): BlockDeflater {
  const id = input.deflater ?? zlibDeflater.id;
  const deflater = deflaterById(id);
  if (deflater) return deflater;
  const have = availableDeflaters().map((d) => d.id);
  throw new Error(
    `ingest: run ${input.runId} writes its Avro batches with ${id}, which this worker does not have (it has ${have.join(', ')}); one deflater per run keeps a retried part byte-identical: build the native codec (npx tsx lib/native/build.ts${nativeCodecReason() ? `: ${nativeCodecReason()}` : ''}) or leave the chunk to a worker that has it`,
  );
}

import { Context } from '@temporalio/activity';
import { defaultDeflater } from '../../lib/avro/index.js';
import { UserError } from '../../lib/errors.js';
import { ingestLayout } from '../../lib/ingest/layout.js';
import type { IngestManifest } from '../../lib/ingest/manifest.js';
import { readLabelManifest, type LabelRule } from '../../lib/ingest/labels.js';
import { createLabeler } from '../../lib/ingest/labeler.js';
import {
  balancedRanges,
  inferClasses,
  type IngestPlan,
  type PlanChunk,
  type PlannedFile,
} from '../../lib/ingest/plan.js';
import { ingestRequestId, sourceUri } from '../../lib/ingest/request.js';
import type { IngestSource } from '../../lib/ingest/source.js';
import type { NormalizeOptions } from '../../lib/image/index.js';
import { openIdxPair } from '../../lib/idx/index.js';
import type { Lake } from '../../lib/lake/lake.js';
import type { ActivityDeps } from '../deps.js';
import { heartbeatDuring } from '../heartbeat-during.js';
import { openSourceRoot } from './source-root.js';

export interface PlanIngestInput {
  readonly lakeUri: string;
  readonly runId: string;
  readonly source: IngestSource;
  readonly labels: LabelRule;
  readonly classes: readonly string[] | null;
  readonly chunkSize: number;
  /** Chunks processed at once: the chunk count is a multiple of it (see balancedRanges). */
  readonly parallelism?: number;
  /** The rest of the request (see IngestRequest); absent from workflows started before it was passed. */
  readonly normalize?: Partial<NormalizeOptions>;
  readonly partSize?: number;
  readonly originals?: 'keep' | 'none';
}

/**
 * Lists the source once and writes the listing to the lake as chunk files, so the workflow only
 * carries counts. Idempotent: once plan.json exists, a retry (or a new run of the same request
 * under the same run id) returns it unchanged; another request under that run id is refused.
 * A committed run (whose plan and staging are removed) gets a plan of no chunks: the workflow
 * goes straight to its commit, which returns the run, and no batch of it is written again.
 */
export function createPlanIngest({ lakes }: ActivityDeps) {
  return (input: PlanIngestInput): Promise<IngestPlan> => heartbeatDuring(() => planIngest(input));

  async function planIngest(input: PlanIngestInput): Promise<IngestPlan> {
    const lake = lakes.open(input.lakeUri);
    const planKey = ingestLayout.plan(input.runId);
    const request = input.normalize && ingestRequestId({ ...input, normalize: input.normalize });
    const manifestKey = ingestLayout.manifest(input.runId);
    if (await lake.head(manifestKey)) {
      const m = JSON.parse((await lake.get(manifestKey)).toString()) as IngestManifest;
      refuseOtherRequest(m, input.source, request);
      return {
        runId: m.runId,
        source: m.source,
        itemCount: m.counts.seen,
        chunkCount: 0,
        chunkSize: input.chunkSize,
        classes: m.classes,
        ...(m.request && { request: m.request }),
      };
    }
    const published = async () => {
      const plan = JSON.parse((await lake.get(planKey)).toString()) as IngestPlan;
      refuseOtherRequest(plan, input.source, request);
      return plan;
    };
    if (await lake.head(planKey)) return published();

    const { chunks, itemCount, labels, labelReport } =
      input.source.kind === 'files'
        ? await listFiles(input, lakes.open.bind(lakes))
        : await listIdx(input.source, input.chunkSize, input.parallelism ?? 1);
    const classes = input.classes ? [...input.classes] : inferClasses(labels);
    if (labelReport) await lake.put(ingestLayout.labelReport(input.runId), JSON.stringify(labelReport));
    for (const [i, chunk] of chunks.entries()) {
      await lake.put(ingestLayout.planChunk(input.runId, i), JSON.stringify(chunk));
    }
    const plan: IngestPlan = {
      runId: input.runId,
      source: input.source,
      itemCount,
      chunkCount: chunks.length,
      chunkSize: input.chunkSize,
      classes,
      deflater: defaultDeflater().id,
      ...(request && { request }),
    };
    // First complete plan wins; a concurrent duplicate attempt returns the published one.
    if (!(await lake.putIfAbsent(planKey, JSON.stringify(plan)))) return published();
    return plan;
  }
}

/**
 * Refuses a run id whose plan or manifest records another request. One from before requests were
 * recorded (or an input from a workflow started before they were passed) is compared by source.
 */
function refuseOtherRequest(
  recorded: { readonly runId: string; readonly source: IngestSource; readonly request?: string },
  source: IngestSource,
  request: string | undefined,
): void {
  const same =
    recorded.request && request
      ? recorded.request === request
      : JSON.stringify(recorded.source) === JSON.stringify(source);
  if (!same)
    throw new UserError(
      `ingest: run id "${recorded.runId}" already names another request (source ${sourceUri(recorded.source)}): a run id names one source and one request; choose another run id`,
    );
}

async function listFiles(input: PlanIngestInput, open: (uri: string) => Lake) {
  const root = openSourceRoot(input.source as { kind: 'files'; root: string }, open);
  const labeler = createLabeler(
    input.labels,
    input.labels.kind === 'manifest' ? await readLabelManifest(input.labels.path) : undefined,
  );
  const items: PlannedFile[] = [];
  const source = input.source as Extract<IngestSource, { kind: 'files' }>;
  for await (const ref of source.include ? included(root, source.include) : root.listKeys('')) {
    items.push({ ref, label: labeler.label(ref) });
    if (items.length % 10_000 === 0) Context.current().heartbeat({ listed: items.length });
  }
  const chunks: PlanChunk[] = balancedRanges(items.length, input.chunkSize, input.parallelism ?? 1).map(
    ({ start, end }) => ({
      kind: 'files',
      items: items.slice(start, end),
    }),
  );
  const labelReport = labeler.finish(); // refuses a rule that labeled nothing, before anything is written
  return { chunks, itemCount: items.length, labels: items.map((i) => i.label), labelReport };
}

/** The included files that still exist; one that vanished since it was seen is left out. */
async function* included(root: Lake, keys: readonly string[]) {
  for (const key of [...keys].sort()) {
    if (await root.head(key)) yield key;
  }
}

async function listIdx(
  source: Extract<IngestSource, { kind: 'idx' }>,
  chunkSize: number,
  parallelism: number,
) {
  const idx = await openIdxPair(source.images, source.labels);
  const labels: string[] = [];
  if (source.labels) for (let i = 0; i < idx.count; i++) labels.push(String(idx.label(i)));
  const chunks: PlanChunk[] = balancedRanges(idx.count, chunkSize, parallelism).map(({ start, end }) => ({
    kind: 'idx',
    start,
    end,
  }));
  return { chunks, itemCount: idx.count, labels, labelReport: undefined };
}

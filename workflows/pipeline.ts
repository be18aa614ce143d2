import { executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { CreateDatasetInput } from '../activities/catalog/create-dataset.js';
import type { PipelineStage, PipelineSummary } from '../activities/pipeline.js';
import type { PipelineConfig } from '../lib/pipeline/config.js';
import { BatchScoreWorkflow } from './batch-score.js';
import { IngestWorkflow, type IngestInput } from './ingest.js';
import { activityRetry } from './retry.js';
import { SweepWorkflow } from './sweep.js';
import type { TrainOutcome } from './train.js';
import { TrainWorkflow } from './train.js';

const { computeDrift, createDataset, evaluateModel, latestDrift, promoteModel, recordPipelineRun } =
  proxyActivities<Activities>({
    startToCloseTimeout: '2 hours',
    heartbeatTimeout: '5 minutes',
    retry: activityRetry,
  });

export interface PipelineInput {
  readonly lakeUri: string;
  readonly ingests: readonly IngestInput[];
  readonly dataset: CreateDatasetInput;
  // The config file's sections, as validated (lib/pipeline/config.ts).
  readonly train: PipelineConfig['train'];
  readonly gate: PipelineConfig['gate'];
  readonly score: PipelineConfig['score'];
}

/**
 * The whole data product: ingest new images, refresh the dataset, train or sweep, evaluate the
 * candidates, apply the promotion gate, score what the production model has not seen. A stage
 * whose inputs did not change is skipped with the reason.
 */
export async function PipelineWorkflow(input: PipelineInput): Promise<PipelineSummary> {
  const runId = workflowInfo().workflowId;
  const started = Date.now();
  const stages: PipelineStage[] = [];
  const stage = async <T>(
    name: string,
    fn: () => Promise<{ result: T; skip?: string; detail?: Record<string, unknown> }>,
  ): Promise<T> => {
    const t = Date.now();
    const { result, skip, detail } = await fn();
    stages.push({
      name,
      status: skip ? 'skipped' : 'done',
      ...(skip ? { reason: skip } : {}),
      seconds: (Date.now() - t) / 1000,
      ...(detail ? { detail } : {}),
    });
    return result;
  };

  const ingested = await stage('ingest', async () => {
    let total = 0;
    const runs = [];
    for (const [i, ingest] of input.ingests.entries()) {
      const s = await executeChild(IngestWorkflow, { workflowId: `${runId}-ingest-${i}`, args: [ingest] });
      total += s.ingested;
      runs.push({
        runId: s.runId,
        seen: s.seen,
        ingested: s.ingested,
        duplicates: s.duplicates,
        quarantined: s.quarantined,
      });
    }
    return {
      result: total,
      skip: total === 0 ? 'no new images in the sources' : undefined,
      detail: { runs },
    };
  });

  const dataset = await stage('dataset', async () => {
    const d = await createDataset(input.dataset);
    return {
      result: d,
      skip: d.created ? undefined : `${d.ref} unchanged: the query selects the same members`,
      detail: { ref: d.ref, counts: d.counts },
    };
  });

  const candidates = await stage('train', async () => {
    if (!input.train) return { result: [] as TrainOutcome[], skip: 'training is off in the config' };
    if (!dataset.created && ingested === 0) {
      // Retraining on the same data gives the same model; drift on production asks for new labels instead.
      const drift = await latestDrift({ lakeUri: input.lakeUri, alias: input.gate.alias });
      const flag =
        drift.level === 'alert'
          ? `; RETRAINING FLAGGED: the last drift check of ${drift.modelId} is alert, label the review_queue and re-run`
          : '';
      return {
        result: [] as TrainOutcome[],
        skip: `no new images and ${dataset.ref} unchanged: no retraining${flag}`,
      };
    }
    const base = {
      lakeUri: input.lakeUri,
      dataset: dataset.ref,
      arch: input.train.arch,
      params: input.train.params,
    };
    const outcomes = Object.keys(input.train.grid).length
      ? (
          await executeChild(SweepWorkflow, {
            workflowId: `${runId}-sweep`,
            args: [{ ...base, grid: input.train.grid, parallel: input.train.parallel }],
          })
        ).trials
      : [await executeChild(TrainWorkflow, { workflowId: `${runId}-train`, args: [base] })];
    const registered = outcomes.filter((o) => o.status === 'registered');
    return {
      result: registered,
      detail: {
        trials: outcomes.map((o) => ({ modelId: o.modelId, status: o.status, valAccuracy: o.valAccuracy })),
      },
    };
  });

  const best = await stage('evaluate', async () => {
    if (candidates.length === 0) return { result: null, skip: 'no new candidate models' };
    const evaluations = [];
    for (const c of candidates)
      evaluations.push(
        await evaluateModel({
          lakeUri: input.lakeUri,
          model: c.modelId,
          dataset: dataset.ref,
          split: 'test',
        }),
      );
    evaluations.sort((a, b) => b.metrics.accuracy - a.metrics.accuracy);
    const top = evaluations[0]!;
    return {
      result: top,
      detail: {
        evaluations: evaluations.map((e) => ({
          modelId: e.modelId,
          accuracy: e.metrics.accuracy,
          macroF1: e.metrics.macro.f1,
        })),
      },
    };
  });

  const promotion = await stage('gate', async () => {
    if (!best) return { result: null, skip: 'nothing to promote' };
    const { alias, ...gate } = input.gate;
    const record = await promoteModel({
      lakeUri: input.lakeUri,
      candidate: best.modelId,
      alias,
      dataset: dataset.ref,
      split: 'test',
      gate,
    });
    return {
      result: record,
      detail: { candidate: record.candidate, promoted: record.promote, reasons: record.reasons },
    };
  });

  const scored = await stage('score', async () => {
    if (!input.score) return { result: null, skip: 'scoring is off in the config' };
    const s = await executeChild(BatchScoreWorkflow, {
      workflowId: `${runId}-score`,
      args: [
        {
          lakeUri: input.lakeUri,
          model: input.gate.alias,
          where: input.score.where,
          partitionSize: input.score.partitionSize,
          onlyUnscored: true,
        },
      ],
    }).catch((error: unknown) => {
      // No model behind the alias yet: nothing can be scored; anything else is a real failure.
      if (innermost(error).includes('no model or alias')) return null;
      throw error;
    });
    if (!s) return { result: null, skip: `no model behind alias "${input.gate.alias}" yet` };
    return {
      result: s,
      skip:
        s.selected === 0
          ? 'every selected image already has a prediction from the production model'
          : undefined,
      detail: { ...s },
    };
  });

  await stage('drift', async () => {
    if (!scored || scored.selected === 0) return { result: null, skip: 'no new predictions to check' };
    const d = await computeDrift({ lakeUri: input.lakeUri, model: scored.modelId, scoreRun: scored.runId });
    return {
      result: d,
      detail: {
        level: d.level,
        classPsi: d.classes.psi,
        intensityPsi: d.intensity.psi,
        polarityPsi: d.polarity.psi,
      },
    };
  });
  const summary: PipelineSummary = {
    kind: 'pipeline-run',
    runId,
    startedAt: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    stages,
    promotedModel: promotion?.promote ? promotion.candidate : null,
  };
  await recordPipelineRun({ lakeUri: input.lakeUri, summary });
  return summary;
}

function innermost(error: unknown): string {
  let e: unknown = error;
  while (e instanceof Error && e.cause) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

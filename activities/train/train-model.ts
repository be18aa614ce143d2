import { Context } from '@temporalio/activity';
import type * as tf from '@tensorflow/tfjs';
import type { DatasetManifest } from '../../lib/dataset/manifest.js';
import type { BatchCache } from '../../lib/dataset/batch-cache.js';
import { resolveDataset } from '../../lib/dataset/versions.js';
import { readBatches, type ReaderBatch } from '../../lib/dataset/reader.js';
import type { MemberLocations } from '../../lib/dataset/members.js';
import type { Lake } from '../../lib/lake/lake.js';
import {
  buildModel,
  createOptimizer,
  DivergedError,
  evaluateBatches,
  initBackend,
  saveModel,
  trainEpoch,
} from '../../lib/model/index.js';
import { registryLayout } from '../../lib/registry/layout.js';
import type { EpochMetrics, ModelCard } from '../../lib/registry/model-card.js';
import { codeVersion } from '../../lib/version.js';
import type { ActivityDeps } from '../deps.js';
import { latestCheckpoint, writeCheckpoint, type CheckpointState } from './checkpoints.js';
import type { TrainingPlan } from './prepare-training.js';
import { memberLocations } from '../member-locations.js';
import { membersFile } from '../../lib/dataset/members.js';

export interface TrainModelInput {
  readonly plan: TrainingPlan;
  /** Median-stopping rule of a sweep: stop when validation loss after epoch e exceeds pruneAbove[e-1]. */
  readonly pruneAbove?: readonly number[];
  readonly sweepId?: string;
}

export interface TrainResult {
  readonly modelId: string;
  /** registered: in the registry; diverged: the loss became NaN (nothing saved); pruned: stopped as weak. */
  readonly status: 'registered' | 'diverged' | 'pruned';
  readonly curves: readonly EpochMetrics[];
  readonly valLoss: number | null;
  readonly valAccuracy: number | null;
  readonly samplesPerSecond: number;
  readonly resumedFromEpoch: number;
  readonly reason?: string;
}

const HEARTBEAT_EVERY = 20; // batches

/**
 * Trains one model: an epoch over the shuffled train split, validation on the val split, a
 * checkpoint in the lake and a heartbeat; a retry after a crash continues at the epoch after the
 * last checkpoint. The finished model goes to the registry, published with put-if-absent.
 */
export function createTrainModel(deps: ActivityDeps) {
  return async function trainModel(input: TrainModelInput): Promise<TrainResult> {
    const { plan } = input;
    const backend = await initBackend();
    const lake = deps.lakes.open(plan.lakeUri);
    const dataset = await resolveDataset(lake, plan.datasetRef);
    const [train, val] = await Promise.all([
      memberLocations(deps, lake, membersFile(dataset.tables.dataset_members), { split: 'train' }),
      plan.valCount > 0
        ? memberLocations(deps, lake, membersFile(dataset.tables.dataset_members), { split: 'val' })
        : undefined,
    ]);
    const optimizer = createOptimizer(plan.params);
    const resumed = await latestCheckpoint(lake, plan.modelId, optimizer);
    const model =
      resumed?.model ??
      buildModel(
        plan.arch,
        { width: plan.width, height: plan.height, classes: plan.classes.length },
        plan.params.seed,
      );
    let state: CheckpointState = resumed?.state ?? {
      epoch: 0,
      curves: [],
      bestValLoss: null,
      epochsSinceBest: 0,
    };
    const resumedFromEpoch = state.epoch;
    const ctx = Context.current();
    const cache = deps.trainingBatches; // across epochs, and across the trainings of this worker
    let stopped: ModelCard['stopped'] = 'completed';
    try {
      while (state.epoch < plan.params.epochs) {
        const epoch = state.epoch + 1;
        let result;
        try {
          result = await trainEpoch(
            model,
            optimizer,
            heartbeating(read(lake, train, plan, cache, epoch), ctx, state.epoch),
            plan.classes.length,
            plan.params.l2,
          );
        } catch (error) {
          if (error instanceof DivergedError)
            return outcome(plan, 'diverged', state, resumedFromEpoch, error.message);
          throw error;
        }
        const v = val
          ? await evaluateBatches(model, read(lake, val, plan, cache), plan.classes.length)
          : undefined;
        const metrics: EpochMetrics = {
          epoch,
          loss: result.loss,
          accuracy: result.accuracy,
          valLoss: v?.loss ?? null,
          valAccuracy: v?.accuracy ?? null,
          seconds: result.seconds,
          samplesPerSecond: result.samples / result.seconds,
        };
        const improved = v !== undefined && (state.bestValLoss === null || v.loss < state.bestValLoss);
        state = {
          epoch,
          curves: [...state.curves, metrics],
          bestValLoss: improved ? v.loss : state.bestValLoss,
          epochsSinceBest: improved ? 0 : state.epochsSinceBest + 1,
        };
        await writeCheckpoint(lake, plan.modelId, model, optimizer, state);
        ctx.heartbeat({ epoch, metrics });
        const limit = input.pruneAbove?.[epoch - 1];
        if (v && limit !== undefined && v.loss > limit)
          return outcome(
            plan,
            'pruned',
            state,
            resumedFromEpoch,
            `val loss ${v.loss.toFixed(4)} > median ${limit.toFixed(4)} after epoch ${epoch}`,
          );
        if (v && plan.params.patience > 0 && state.epochsSinceBest >= plan.params.patience) {
          stopped = 'early-stopped';
          break;
        }
      }
      await register(lake, plan, dataset, model, state, stopped, backend, input.sweepId ?? null);
      return outcome(plan, 'registered', state, resumedFromEpoch);
    } finally {
      model.dispose();
      optimizer.dispose();
    }
  };
}

function read(
  lake: Lake,
  members: MemberLocations,
  plan: TrainingPlan,
  cache: BatchCache,
  epoch?: number,
): AsyncGenerator<ReaderBatch> {
  return readBatches(lake, members, {
    cache,
    recycle: true, // a step is done with its batch when it asks for the next
    batchSize: plan.params.batchSize,
    width: plan.width,
    height: plan.height,
    // a different, reproducible order every epoch; validation in file order
    shuffle: epoch === undefined ? undefined : { seed: plan.params.seed * 1000 + epoch },
  });
}

async function* heartbeating<T>(batches: AsyncIterable<T>, ctx: Context, epoch: number): AsyncGenerator<T> {
  let n = 0;
  for await (const b of batches) {
    if (++n % HEARTBEAT_EVERY === 0) ctx.heartbeat({ epoch, batches: n });
    ctx.cancellationSignal.throwIfAborted();
    yield b;
  }
}

async function register(
  lake: Lake,
  plan: TrainingPlan,
  dataset: DatasetManifest,
  model: tf.LayersModel,
  state: CheckpointState,
  stopped: ModelCard['stopped'],
  backend: { name: string; versions: Readonly<Record<string, string>> },
  sweepId: string | null,
): Promise<void> {
  const manifestKey = registryLayout.manifest(plan.modelId);
  if (await lake.head(manifestKey)) return; // a retry after the commit: already registered
  const artifacts = await saveModel(model);
  await lake.put(registryLayout.modelJson(plan.modelId), artifacts.modelJson);
  await lake.put(registryLayout.weights(plan.modelId), artifacts.weights);
  const { seconds, samplesPerSecond } = throughput(state.curves);
  const card: ModelCard = {
    kind: 'model',
    id: plan.modelId,
    arch: plan.arch,
    params: { ...plan.params },
    seed: plan.params.seed,
    dataset: {
      ref: dataset.ref,
      name: dataset.name,
      version: dataset.version,
      contentHash: dataset.contentHash,
    },
    classes: plan.classes,
    input: { width: plan.width, height: plan.height },
    curves: state.curves,
    stopped,
    backend: backend.name,
    versions: backend.versions,
    codeVersion,
    trainSeconds: seconds,
    samplesPerSecond,
    createdAt: new Date().toISOString(),
    artifacts: {
      modelJson: registryLayout.modelJson(plan.modelId),
      weights: registryLayout.weights(plan.modelId),
    },
    sweepId,
  };
  await lake.put(registryLayout.card(plan.modelId), JSON.stringify(card, null, 2));
  await lake.putIfAbsent(manifestKey, JSON.stringify(card, null, 2));
}

function outcome(
  plan: TrainingPlan,
  status: TrainResult['status'],
  state: CheckpointState,
  resumedFromEpoch: number,
  reason?: string,
): TrainResult {
  const last = state.curves.at(-1);
  return {
    modelId: plan.modelId,
    status,
    curves: state.curves,
    valLoss: last?.valLoss ?? null,
    valAccuracy: last?.valAccuracy ?? null,
    samplesPerSecond: throughput(state.curves).samplesPerSecond,
    resumedFromEpoch,
    ...(reason === undefined ? {} : { reason }),
  };
}

/** Training time and samples/s over the epochs run so far (derived from the curves, not kept). */
function throughput(curves: readonly EpochMetrics[]): { seconds: number; samplesPerSecond: number } {
  const seconds = curves.reduce((sum, c) => sum + c.seconds, 0);
  const samples = curves.reduce((sum, c) => sum + c.samplesPerSecond * c.seconds, 0);
  return { seconds, samplesPerSecond: seconds > 0 ? samples / seconds : 0 };
}

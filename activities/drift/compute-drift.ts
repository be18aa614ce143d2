import { createHash } from 'node:crypto';
import { resolveDataset } from '../../lib/dataset/versions.js';
import {
  DEFAULT_DRIFT_THRESHOLDS,
  distributionDrift,
  worstLevel,
  type DistributionDrift,
  type DriftLevel,
  type DriftThresholds,
} from '../../lib/drift/drift.js';
import { UserError } from '../../lib/errors.js';
import type { ReferencePeriod } from '../../lib/drift/reference-period.js';
import { resolveModel } from '../../lib/registry/resolve-model.js';
import type { ActivityDeps } from '../deps.js';
import { openCatalog } from '../catalog/snapshot.js';

export interface DriftInput {
  readonly lakeUri: string;
  readonly model: string;
  /** The window: predictions of one score run, or those scored in the last `windowHours`. */
  readonly scoreRun?: string;
  readonly windowHours?: number;
  readonly thresholds?: DriftThresholds;
  /** Compare with the model's predictions scored in this period instead of its training set. */
  readonly referencePeriod?: ReferencePeriod | null;
}

/** A drift check: predicted classes and image statistics of a window against the training set. */
export interface DriftReport {
  readonly kind: 'drift';
  readonly driftId: string;
  readonly modelId: string;
  readonly window: string;
  readonly reference: string;
  readonly classes: DistributionDrift;
  /** Mean intensity of the originals (10 bins) and their background polarity. */
  readonly intensity: DistributionDrift;
  readonly polarity: DistributionDrift;
  readonly level: DriftLevel;
  readonly checkedAt: string;
}

const BINS = 10;

/**
 * Compares the window's predicted class distribution and image statistics with a reference: the
 * model's training split (and its own predictions on its latest evaluation), or its predictions
 * in an earlier period.
 */
export function createComputeDrift(deps: ActivityDeps) {
  return async function computeDrift(input: DriftInput): Promise<DriftReport> {
    const lake = deps.lakes.open(input.lakeUri);
    const card = await resolveModel(lake, input.model);
    const dataset = await resolveDataset(lake, card.dataset.ref);
    const thresholds = input.thresholds ?? DEFAULT_DRIFT_THRESHOLDS;
    const window = input.scoreRun ? `score run ${input.scoreRun}` : `last ${input.windowHours ?? 24} h`;
    const { sandbox } = await openCatalog(deps, lake);
    try {
      const counts = async (sql: string, p: Record<string, string | number>, n: number) => {
        const out = new Array<number>(n).fill(0);
        for (const [k, c] of (await sandbox.query(sql, p)).getRowsJS() as [number, bigint][])
          if (k >= 0 && k < n) out[k] = Number(c);
        return out;
      };
      const k = card.classes.length;
      const bin = `least(${BINS - 1}, floor(i.mean * ${BINS}))::INTEGER`;
      /**
       * Predicted classes, intensity bins and polarity of this model's predictions matching `where`:
       * every committed prediction made then (`_t_predictions`), also of images scored again since,
       * which the `predictions` view would show only with their latest run.
       */
      const ofPredictions = async (where: string, p: Record<string, string | number>) => ({
        classes: await counts(
          `SELECT p.predicted, count(*) FROM _t_predictions p WHERE p.model_id = $model AND ${where} GROUP BY 1`,
          p,
          k,
        ),
        intensity: await counts(
          `SELECT ${bin}, count(*) FROM _t_predictions p JOIN images i USING (image_id) WHERE p.model_id = $model AND ${where} GROUP BY 1`,
          p,
          BINS,
        ),
        polarity: await counts(
          `SELECT i.light_background::INTEGER, count(*) FROM _t_predictions p JOIN images i USING (image_id) WHERE p.model_id = $model AND ${where} GROUP BY 1`,
          p,
          2,
        ),
      });
      const current = await ofPredictions(
        input.scoreRun
          ? 'p.score_run = $run'
          : `p.scored_at >= now() - INTERVAL (${Number(input.windowHours ?? 24)}) HOUR`,
        { model: card.id, ...(input.scoreRun ? { run: input.scoreRun } : {}) },
      );
      if (current.classes.every((c) => c === 0))
        throw new UserError(`drift: no predictions of ${card.id} in the ${window}`);

      let reference: { text: string; classes: number[]; intensity: number[]; polarity: number[] };
      const period = input.referencePeriod ?? null;
      if (period) {
        const text = `predictions of ${card.id} scored ${new Date(period.fromMs).toISOString()} to ${new Date(period.toMs).toISOString()}`;
        reference = {
          text,
          ...(await ofPredictions(
            'p.scored_at >= make_timestamptz($from::BIGINT * 1000) AND p.scored_at < make_timestamptz($to::BIGINT * 1000)',
            {
              model: card.id,
              from: period.fromMs,
              to: period.toMs,
            },
          )),
        };
        if (reference.classes.every((c) => c === 0)) throw new UserError(`drift: no ${text}`);
      } else {
        const members = { name: dataset.name, version: dataset.version };
        const train = `m.dataset = $name AND m.version = $version AND m.split = 'train'`;
        // Predicted classes: the model's own predictions on its latest evaluation (model bias
        // cancels out); the train split's labels when it was never evaluated.
        const [evaluation] = (
          await sandbox.query(
            'SELECT eval_id, dataset, split FROM evaluations WHERE model_id = $model ORDER BY created_at DESC LIMIT 1',
            { model: card.id },
          )
        ).getRowsJS() as [string, string, string][];
        reference = {
          text: evaluation
            ? `predictions on the ${evaluation[2]} split of ${evaluation[1]} (${evaluation[0]}); images of the train split of ${dataset.ref}`
            : `train split of ${dataset.ref}`,
          classes: evaluation
            ? await counts(
                'SELECT predicted, count(*) FROM evaluation_predictions WHERE eval_id = $e GROUP BY 1',
                { e: evaluation[0] },
                k,
              )
            : await counts(
                `SELECT class_index, count(*) FROM dataset_members m WHERE ${train} GROUP BY 1`,
                members,
                k,
              ),
          intensity: await counts(
            `SELECT ${bin}, count(*) FROM dataset_members m JOIN images i USING (image_id) WHERE ${train} GROUP BY 1`,
            members,
            BINS,
          ),
          polarity: await counts(
            `SELECT i.light_background::INTEGER, count(*) FROM dataset_members m JOIN images i USING (image_id) WHERE ${train} GROUP BY 1`,
            members,
            2,
          ),
        };
      }
      const classes = distributionDrift(card.classes, reference.classes, current.classes, thresholds);
      const intensity = distributionDrift(
        Array.from({ length: BINS }, (_, b) => `mean ${b / BINS}-${(b + 1) / BINS}`),
        reference.intensity,
        current.intensity,
        thresholds,
      );
      const polarity = distributionDrift(
        ['dark background', 'light background'],
        reference.polarity,
        current.polarity,
        thresholds,
      );
      const checkedAt = new Date().toISOString();
      const driftId = `drift-${createHash('sha256').update(`${card.id}\n${window}\n${checkedAt}`).digest('hex').slice(0, 16)}`;
      const report: DriftReport = {
        kind: 'drift',
        driftId,
        modelId: card.id,
        window,
        reference: reference.text,
        classes,
        intensity,
        polarity,
        level: worstLevel([classes.level, intensity.level, polarity.level]),
        checkedAt,
      };
      await lake.putIfAbsent(`manifests/drift/${driftId}.json`, JSON.stringify(report, null, 2));
      return report;
    } finally {
      sandbox.close();
    }
  };
}

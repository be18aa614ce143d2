import sharp from 'sharp';
import { decodeImagePixels } from '../avro/decode.js';
import type { Sandbox } from '../catalog/sandbox.js';
import type { EvaluationMetrics } from '../eval/metrics.js';
import type { Lake } from '../lake/lake.js';
import type { ModelCard } from '../registry/model-card.js';
import { resolveModel } from '../registry/resolve-model.js';
import type { MisclassifiedExample, ReportInput, SweepTrial } from './model-report.js';

const EXAMPLES = 24;

/**
 * The report of a pipeline run (its stages, then the model it promoted or the production model),
 * a sweep (by its id) or a model (id or alias) with its latest stored evaluation.
 */
export async function collectReport(lake: Lake, sandbox: Sandbox, target: string): Promise<ReportInput> {
  const [run] = (
    await sandbox.query('SELECT seconds, promoted_model, stages FROM pipeline_runs WHERE run_id = $id', {
      id: target,
    })
  ).getRowsJS() as [number, string | null, string][];
  if (run) {
    const [seconds, promoted, stages] = run;
    const pipeline = {
      runId: target,
      seconds,
      stages: JSON.parse(stages) as NonNullable<ReportInput['pipeline']>['stages'],
    };
    const model = promoted ?? 'production';
    const base = await resolveModel(lake, model).then(
      (card) => modelReport(lake, sandbox, card),
      () => ({ title: '' }) as ReportInput, // no model yet: the report shows the stages only
    );
    return { ...base, title: `Pipeline run ${target}`, pipeline };
  }
  const trials = (
    await sandbox.query('SELECT model_id, params, val_accuracy FROM models WHERE sweep_id = $id', {
      id: target,
    })
  ).getRowsJS();
  if (trials.length > 0) {
    const sweep: SweepTrial[] = trials.map(([id, params, acc]) => ({
      modelId: id as string,
      params: JSON.parse(params as string) as Record<string, unknown>,
      valAccuracy: Number(acc ?? 0),
    }));
    const best = [...sweep].sort((a, b) => b.valAccuracy - a.valAccuracy)[0]!;
    return {
      ...(await modelReport(lake, sandbox, await resolveModel(lake, best.modelId))),
      title: `Sweep ${target}`,
      sweep,
    };
  }
  return modelReport(lake, sandbox, await resolveModel(lake, target));
}

async function modelReport(lake: Lake, sandbox: Sandbox, card: ModelCard): Promise<ReportInput> {
  const [row] = (
    await sandbox.query(
      'SELECT eval_id, dataset, split, metrics FROM evaluations WHERE model_id = $id ORDER BY created_at DESC LIMIT 1',
      { id: card.id },
    )
  ).getRowsJS();
  if (!row) return { title: `Model ${card.id}`, card };
  const [evalId, datasetRef, split, metrics] = row as [string, string, string, string];
  return {
    title: `Model ${card.id}`,
    card,
    evaluation: {
      evalId,
      datasetRef,
      split,
      metrics: JSON.parse(metrics) as EvaluationMetrics,
      classes: card.classes,
    },
    misclassified: await misclassified(lake, sandbox, evalId, card),
  };
}

async function misclassified(
  lake: Lake,
  sandbox: Sandbox,
  evalId: string,
  card: ModelCard,
): Promise<MisclassifiedExample[]> {
  const rows = (
    await sandbox.query(
      `SELECT p.image_id, p.label, p.predicted, p.confidence, i.batch_key, i.record_index, b.records, b.sha256
       FROM evaluation_predictions p JOIN images i USING (image_id) JOIN batches b ON b.key = i.batch_key
       WHERE p.eval_id = $id AND NOT p.correct ORDER BY p.confidence DESC, p.image_id LIMIT ${EXAMPLES}`,
      { id: evalId },
    )
  ).getRowsJS() as [string, number, number, number, string, number, number, string][];
  const files = new Map<string, ReturnType<typeof decodeImagePixels>>();
  const out: MisclassifiedExample[] = [];
  for (const [imageId, label, predicted, confidence, key, index, count, sha256] of rows) {
    if (!files.has(key)) files.set(key, decodeImagePixels(await lake.get(key), { key, count, sha256 }));
    const record = files.get(key)![index]!;
    const png = await sharp(record.pixels, {
      raw: { width: record.width, height: record.height, channels: 1 },
    })
      .png()
      .toBuffer();
    out.push({
      imageId,
      png: `data:image/png;base64,${png.toString('base64')}`,
      label: card.classes[label] ?? String(label),
      predicted: card.classes[predicted] ?? String(predicted),
      confidence,
    });
  }
  return out;
}

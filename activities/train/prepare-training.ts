import { UserError } from '../../lib/errors.js';
import { resolveDataset } from '../../lib/dataset/versions.js';
import { resolveParams, type Arch, type TrainParams } from '../../lib/model/params.js';
import { registryLayout } from '../../lib/registry/layout.js';
import { modelId } from '../../lib/registry/model-id.js';
import type { ActivityDeps } from '../deps.js';
import { openCatalog } from '../catalog/snapshot.js';

export interface PrepareTrainingInput {
  readonly lakeUri: string;
  /** `name` or `name@N`; pinned to a version here, once, so retries and resumes train on the same data. */
  readonly dataset: string;
  readonly arch: Arch;
  /** Parameters as given (flags, config file or sweep grid); defaults fill the rest. */
  readonly params: Readonly<Record<string, string | number>>;
}

/** Everything a training run needs, resolved and checked before any epoch starts. */
export interface TrainingPlan {
  readonly lakeUri: string;
  readonly modelId: string;
  readonly datasetRef: string;
  readonly arch: Arch;
  readonly params: TrainParams;
  readonly classes: readonly string[];
  readonly width: number;
  readonly height: number;
  readonly trainCount: number;
  readonly valCount: number;
  /** True when a model with this id is registered already (a resumed sweep skips it). */
  readonly registered: boolean;
}

export function createPrepareTraining(deps: ActivityDeps) {
  return async function prepareTraining(input: PrepareTrainingInput): Promise<TrainingPlan> {
    const lake = deps.lakes.open(input.lakeUri);
    const dataset = await resolveDataset(lake, input.dataset);
    const params = resolveParams(input.arch, input.params);
    const labeledTrain = dataset.counts.train;
    if (labeledTrain === 0) throw new UserError(`train: dataset ${dataset.ref} has an empty train split`);
    if (dataset.classes.length < 2)
      throw new UserError(
        `train: dataset ${dataset.ref} has ${dataset.classes.length} class; a classifier needs at least 2`,
      );
    const { sandbox } = await openCatalog(deps, lake);
    let sizes: unknown[][];
    let unlabeled: number;
    try {
      const where = 'm.dataset = $name AND m.version = $version';
      const bind = { name: dataset.name, version: dataset.version };
      sizes = (
        await sandbox.query(
          `SELECT DISTINCT i.width, i.height FROM dataset_members m JOIN images i USING (image_id) WHERE ${where}`,
          bind,
        )
      ).getRowsJS();
      unlabeled = Number(
        (
          await sandbox.query(
            `SELECT count(*) FROM dataset_members m WHERE ${where} AND m.split IN ('train', 'val') AND m.class_index IS NULL`,
            bind,
          )
        ).getRowsJS()[0]?.[0] ?? 0,
      );
    } finally {
      sandbox.close();
    }
    if (sizes.length !== 1)
      throw new UserError(
        `train: dataset ${dataset.ref} mixes image sizes (${sizes.map(([w, h]) => `${String(w)}x${String(h)}`).join(', ')}); re-ingest with one --size`,
      );
    if (unlabeled > 0)
      throw new UserError(
        `train: dataset ${dataset.ref} has ${unlabeled} unlabeled train/val members; select labeled images (WHERE label IS NOT NULL)`,
      );
    const [width, height] = sizes[0] as [number, number];
    const id = modelId({
      datasetContentHash: dataset.contentHash,
      arch: input.arch,
      params: { ...params },
      seed: params.seed,
    });
    return {
      lakeUri: input.lakeUri,
      modelId: id,
      datasetRef: dataset.ref,
      arch: input.arch,
      params,
      classes: dataset.classes,
      width,
      height,
      trainCount: dataset.counts.train,
      valCount: dataset.counts.val,
      registered: (await lake.head(registryLayout.manifest(id))) !== undefined,
    };
  };
}

import { UserError } from '../errors.js';
import type { Lake } from '../lake/lake.js';
import { datasetLayout, type DatasetManifest } from './manifest.js';
import { formatDatasetRef, parseDatasetRef } from './ref.js';

/** Every committed version of a dataset, oldest first. */
export async function datasetVersions(lake: Lake, name: string): Promise<DatasetManifest[]> {
  const out: DatasetManifest[] = [];
  for await (const o of lake.list(datasetLayout.manifestPrefix(name))) {
    if (/\/v\d{6}\.json$/.test(o.key))
      out.push(JSON.parse((await lake.get(o.key)).toString()) as DatasetManifest);
  }
  return out.sort((a, b) => a.version - b.version);
}

/** The names of every dataset of the lake. */
export async function datasetNames(lake: Lake): Promise<string[]> {
  const names = new Set<string>();
  for await (const o of lake.list('manifests/datasets/')) {
    const name = o.key.split('/')[2];
    if (name) names.add(name);
  }
  return [...names].sort();
}

/** Resolves `name` (latest) or `name@N` to its manifest, with a clear error when it does not exist. */
export async function resolveDataset(lake: Lake, refText: string): Promise<DatasetManifest> {
  const ref = parseDatasetRef(refText);
  if (ref.version !== undefined) {
    const key = datasetLayout.manifest(ref.name, ref.version);
    if (!(await lake.head(key)))
      throw new UserError(`dataset: no version ${formatDatasetRef(ref.name, ref.version)} in ${lake.uri}`);
    return JSON.parse((await lake.get(key)).toString()) as DatasetManifest;
  }
  const latest = (await datasetVersions(lake, ref.name)).at(-1);
  if (!latest)
    throw new UserError(
      `dataset: no dataset "${ref.name}" in ${lake.uri}: create it with imagelake dataset create ${ref.name} --query ...`,
    );
  return latest;
}

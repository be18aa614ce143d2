import type { ActivityDeps } from '../deps.js';
import { createCreateDataset } from './create-dataset.js';
import { createImportLabels } from './import-labels.js';

export function createCatalogActivities(deps: ActivityDeps) {
  return {
    createDataset: createCreateDataset(deps),
    importLabels: createImportLabels(deps),
  };
}

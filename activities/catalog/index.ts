import type { ActivityDeps } from '../deps.js';
import { heartbeating } from '../heartbeat-during.js';
import { createCreateDataset } from './create-dataset.js';
import { createImportLabels } from './import-labels.js';

export function createCatalogActivities(deps: ActivityDeps) {
  return {
    createDataset: heartbeating(createCreateDataset(deps)),
    importLabels: heartbeating(createImportLabels(deps)),
  };
}

// Every workflow the worker registers; one workflow per file.
export { SmokeWorkflow } from './smoke.js';
export { IngestWorkflow, type IngestInput } from './ingest.js';
export {
  DatasetCreateWorkflow,
  type CreateDatasetInput,
  type DatasetVersionSummary,
} from './dataset-create.js';
export { LabelImportWorkflow, type ImportLabelsInput, type ImportLabelsSummary } from './label-import.js';
export { TrainWorkflow, type TrainInput, type TrainOutcome } from './train.js';
export { SweepWorkflow, type SweepInput, type SweepResult } from './sweep.js';
export { EvaluateWorkflow, type Evaluation, type EvaluateInput } from './evaluate.js';
export { PromoteWorkflow, type PromoteInput, type PromotionRecord } from './promote.js';
export {
  BatchScoreWorkflow,
  DEFAULT_SCORE_PARALLEL,
  type BatchScoreInput,
  type BatchScoreResult,
} from './batch-score.js';
export { PipelineWorkflow, type PipelineInput } from './pipeline.js';
export { DriftWorkflow, type DriftInput, type DriftReport } from './drift.js';
export { WatchBatchWorkflow, type WatchBatchInput, type WatchBatchResult } from './watch-batch.js';

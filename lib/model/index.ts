export { initBackend, type BackendInfo } from './backend.js';
export { buildModel, type ModelShape } from './architectures.js';
export type { LabeledBatch } from './batch.js';
export {
  ARCHS,
  OPTIMIZERS,
  defaultParams,
  parseParamList,
  parseParams,
  resolveParams,
  type Arch,
  type OptimizerName,
  type TrainParams,
} from './params.js';
export { createOptimizer } from './optimizer.js';
export {
  argMax,
  DivergedError,
  evaluateBatches,
  predictProbabilities,
  trainEpoch,
  type EpochResult,
  type EvalResult,
} from './train-loop.js';
export {
  loadModel,
  restoreOptimizer,
  saveModel,
  saveModelArtifacts,
  saveOptimizer,
  WEIGHTS_FILE,
  type ModelArtifacts,
} from './serialize.js';

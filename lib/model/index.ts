export { initBackend, type BackendInfo } from './backend.js';
export { buildModel, type ModelShape } from './architectures.js';
export {
  ARCHS,
  defaultParams,
  parseParamList,
  resolveParams,
  type Arch,
  type TrainParams,
} from './params.js';
export {
  argMax,
  createOptimizer,
  DivergedError,
  evaluateBatches,
  predictProbabilities,
  trainEpoch,
  type EpochResult,
} from './train-loop.js';
export { loadModel, restoreOptimizer, saveModel, saveOptimizer, type ModelArtifacts } from './serialize.js';

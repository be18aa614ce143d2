export { computeMetrics, type ClassMetrics, type EvaluationMetrics } from './metrics.js';
export { DEFAULT_GATE, gateDecision, type GateConfig, type GateDecision } from './gate.js';
export { mcnemar, type McNemarResult } from './mcnemar.js';
export { statsText } from './stats-text.js';
export { wilsonInterval } from './wilson.js';

import type { EvaluationMetrics } from './metrics.js';

/** The promotion gate's thresholds, fixed before looking at results (as the original's authors advised). */
export interface GateConfig {
  /** The acceptable error level: the candidate's error rate must be below it. */
  readonly maxErrorRate: number;
  /** How much worse than production (error rate, per-class recall) still passes. */
  readonly tolerance: number;
  /** Every class's recall must reach this. */
  readonly minClassRecall: number;
}

export const DEFAULT_GATE: GateConfig = { maxErrorRate: 0.2, tolerance: 0.005, minClassRecall: 0 };

export interface GateDecision {
  readonly promote: boolean;
  /** One line per check, passed or failed. */
  readonly reasons: readonly string[];
}

/** Decides a promotion: absolute error level, per-class recall, and no regression against production. */
export function gateDecision(
  candidate: EvaluationMetrics,
  production: EvaluationMetrics | null,
  config: GateConfig,
): GateDecision {
  const reasons: string[] = [];
  let ok = true;
  const check = (pass: boolean, text: string) => {
    ok &&= pass;
    reasons.push(`${pass ? 'pass' : 'FAIL'}: ${text}`);
  };
  const f = (x: number) => x.toFixed(4);
  check(
    candidate.errorRate < config.maxErrorRate,
    `error rate ${f(candidate.errorRate)} ${candidate.errorRate < config.maxErrorRate ? '<' : '>='} acceptable ${f(config.maxErrorRate)}`,
  );
  for (const c of candidate.perClass)
    if (c.recall < config.minClassRecall)
      check(false, `recall of ${c.name} ${f(c.recall)} < minimum ${f(config.minClassRecall)}`);
  if (config.minClassRecall > 0 && candidate.perClass.every((c) => c.recall >= config.minClassRecall))
    check(true, `every class's recall >= ${f(config.minClassRecall)}`);
  if (production) {
    const limit = production.errorRate + config.tolerance;
    check(
      candidate.errorRate <= limit,
      `error rate ${f(candidate.errorRate)} vs production ${f(production.errorRate)} (tolerance ${f(config.tolerance)})`,
    );
    candidate.perClass.forEach((c, i) => {
      const p = production.perClass[i];
      if (p && c.recall < p.recall - config.tolerance)
        check(false, `recall of ${c.name} ${f(c.recall)} < production ${f(p.recall)} - tolerance`);
    });
  } else reasons.push('note: no production model yet, nothing to compare against');
  return { promote: ok, reasons };
}

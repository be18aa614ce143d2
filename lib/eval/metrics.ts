import { wilsonInterval } from './wilson.js';

export interface ClassMetrics {
  readonly name: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

/** Everything an evaluation reports. Macro averages weight classes equally; weighted ones by support. */
export interface EvaluationMetrics {
  readonly n: number;
  readonly accuracy: number;
  readonly errorRate: number;
  /** 95% Wilson interval of the error rate. */
  readonly errorRateInterval: readonly [number, number];
  readonly top2Accuracy: number;
  /** Mean negative log-probability of the true class, probabilities clipped at 1e-7. */
  readonly logLoss: number;
  /** Expected calibration error over 15 equal-width confidence bins. */
  readonly ece: number;
  readonly macro: { readonly precision: number; readonly recall: number; readonly f1: number };
  readonly weighted: { readonly precision: number; readonly recall: number; readonly f1: number };
  readonly perClass: readonly ClassMetrics[];
  /** confusion[true][predicted]. */
  readonly confusion: readonly (readonly number[])[];
  /** Calibration bins: mean confidence, accuracy and count per bin, for the reliability diagram. */
  readonly calibration: readonly {
    readonly confidence: number;
    readonly accuracy: number;
    readonly count: number;
  }[];
}

const BINS = 15;

/**
 * Metrics of predictions against labels. A class never predicted has precision 0 and one with
 * no examples recall 0 (scikit-learn's zero_division=0); macro averages include every class of
 * the list, so an absent class pulls them down, as it should for a fixed class list.
 */
export function computeMetrics(
  labels: Int32Array,
  probs: Float32Array,
  classes: readonly string[],
): EvaluationMetrics {
  const k = classes.length;
  const n = labels.length;
  if (probs.length !== n * k)
    throw new Error(`eval: expected ${n * k} probabilities (${n} x ${k} classes), got ${probs.length}`);
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  let top2 = 0;
  let logLoss = 0;
  const bins = Array.from({ length: BINS }, () => ({ conf: 0, hits: 0, count: 0 }));
  for (let i = 0; i < n; i++) {
    const label = labels[i]!;
    if (label < 0 || label >= k)
      throw new Error(`eval: label ${label} of example ${i} is not a class index below ${k}`);
    let first = 0;
    let second = -1;
    for (let c = 1; c < k; c++) {
      const p = probs[i * k + c]!;
      if (p > probs[i * k + first]!) [second, first] = [first, c];
      else if (second < 0 || p > probs[i * k + second]!) second = c;
    }
    confusion[label]![first]!++;
    if (first === label) correct++;
    if (first === label || second === label) top2++;
    logLoss -= Math.log(Math.max(probs[i * k + label]!, 1e-7));
    const confidence = probs[i * k + first]!;
    const bin = bins[Math.min(BINS - 1, Math.floor(confidence * BINS))]!;
    bin.conf += confidence;
    bin.hits += first === label ? 1 : 0;
    bin.count++;
  }
  const perClass = classes.map((name, c) => {
    const tp = confusion[c]![c]!;
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + row[c]!, 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { name, precision, recall, f1, support };
  });
  const average = (weight: (m: ClassMetrics) => number) => {
    const total = perClass.reduce((a, m) => a + weight(m), 0) || 1;
    const of = (f: (m: ClassMetrics) => number) => perClass.reduce((a, m) => a + f(m) * weight(m), 0) / total;
    return { precision: of((m) => m.precision), recall: of((m) => m.recall), f1: of((m) => m.f1) };
  };
  const ece = n
    ? bins.reduce((a, b) => a + (b.count ? Math.abs(b.hits / b.count - b.conf / b.count) * b.count : 0), 0) /
      n
    : 0;
  return {
    n,
    accuracy: n ? correct / n : 0,
    errorRate: n ? 1 - correct / n : 0,
    errorRateInterval: wilsonInterval(n - correct, n),
    top2Accuracy: n ? top2 / n : 0,
    logLoss: n ? logLoss / n : 0,
    ece,
    macro: average(() => 1),
    weighted: average((m) => m.support),
    perClass,
    confusion,
    calibration: bins.map((b) => ({
      confidence: b.count ? b.conf / b.count : 0,
      accuracy: b.count ? b.hits / b.count : 0,
      count: b.count,
    })),
  };
}

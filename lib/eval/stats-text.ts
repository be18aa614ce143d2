import type { EvaluationMetrics } from './metrics.js';

/** The evaluation as DL4J's Evaluation.stats() printed it: confusion lines, then the Scores block. */
export function statsText(m: EvaluationMetrics, classes: readonly string[]): string {
  const lines: string[] = [];
  m.confusion.forEach((row, t) =>
    row.forEach((count, p) => {
      if (count > 0)
        lines.push(
          `Examples labeled as ${classes[t] ?? t} classified by model as ${classes[p] ?? p}: ${count} times`,
        );
    }),
  );
  const f = (x: number) => x.toFixed(4);
  lines.push(
    '',
    '',
    '==========================Scores========================================',
    ` # of classes:    ${classes.length}`,
    ` Accuracy:        ${f(m.accuracy)}`,
    ` Precision:       ${f(m.macro.precision)}\t(macro-averaged over ${classes.length} classes)`,
    ` Recall:          ${f(m.macro.recall)}\t(macro-averaged)`,
    ` F1 Score:        ${f(m.macro.f1)}\t(macro-averaged)`,
    ` Error rate:      ${f(m.errorRate)}\t(95% Wilson interval ${f(m.errorRateInterval[0])}-${f(m.errorRateInterval[1])}, n = ${m.n})`,
    '========================================================================',
  );
  return lines.join('\n');
}

import { DOUBLE, FLOAT, INTEGER, VARCHAR, type DuckDBValue } from '@duckdb/node-api';
import type { ParquetColumn } from '../catalog/parquet-writer.js';
import { quoteLiteral } from '../catalog/sql-quote.js';

/** Up to this many classes a prediction keeps every class's probability. */
export const MAX_FULL_CLASSES = 32;
/** Past MAX_FULL_CLASSES, the classes a prediction keeps, most probable first. */
export const TOP_K = 10;

/** What a partition's predictions Parquet is written from (see putParquet). */
export interface PredictionRows {
  readonly columns: readonly ParquetColumn[];
  readonly data: Record<string, DuckDBValue[]>;
  /** The predictions table's columns, in order, from the appended ones. */
  select(table: string): string;
}

/**
 * One prediction row per image: best class, confidence, margin, entropy (over every class), and
 * every class's probability, or for a model of more than MAX_FULL_CLASSES classes the TOP_K
 * most probable classes and their probabilities (a thousand floats per image would outweigh
 * everything else). JS appends flat columns (one per class or rank); the SQL adds the constants
 * and builds the lists, which costs a fraction of appending list values and repeated strings.
 */
export function predictionRows(
  run: { readonly runId: string; readonly modelId: string; readonly scoredAtMs: number },
  classes: readonly string[],
  partition: number,
  ids: string[],
  probs: Float32Array,
): PredictionRows {
  const k = classes.length;
  const n = ids.length;
  const full = k <= MAX_FULL_CLASSES;
  const ranks = full ? 0 : Math.min(TOP_K, k);
  const predicted = new Array<number>(n);
  const confidence = new Array<number>(n);
  const margin = new Array<number>(n);
  const entropy = new Array<number>(n);
  const perClass = full ? Array.from({ length: k }, () => new Array<number>(n)) : [];
  const topClass = Array.from({ length: ranks }, () => new Array<number>(n));
  const topProbability = Array.from({ length: ranks }, () => new Array<number>(n));
  const top = new Int32Array(ranks);
  for (let i = 0; i < n; i++) {
    const at = i * k; // no subarray per image: this runs for every image scored
    let best = 0;
    let second = -1;
    let h = 0;
    let kept = 0;
    for (let c = 0; c < k; c++) {
      const v = probs[at + c]!;
      if (full) perClass[c]![i] = v;
      if (v > 0) h -= v * Math.log(v);
      if (ranks > 0) kept = keepTop(top, kept, probs, at, c);
      if (c === 0) continue;
      if (v > probs[at + best]!) [second, best] = [best, c];
      else if (second < 0 || v > probs[at + second]!) second = c;
    }
    predicted[i] = best;
    confidence[i] = probs[at + best]!;
    margin[i] = probs[at + best]! - (second < 0 ? 0 : probs[at + second]!);
    entropy[i] = h;
    for (let r = 0; r < ranks; r++) {
      topClass[r]![i] = top[r]!;
      topProbability[r]![i] = probs[at + top[r]!]!;
    }
  }
  const data: Record<string, DuckDBValue[]> = { image_id: ids, predicted, confidence, margin, entropy };
  const columns: ParquetColumn[] = [
    { name: 'image_id', type: VARCHAR },
    { name: 'predicted', type: INTEGER },
    { name: 'confidence', type: DOUBLE },
    { name: 'margin', type: DOUBLE },
    { name: 'entropy', type: DOUBLE },
  ];
  perClass.forEach((values, c) => {
    data[`p${c}`] = values;
    columns.push({ name: `p${c}`, type: FLOAT });
  });
  for (let r = 0; r < ranks; r++) {
    data[`t${r}`] = topClass[r]!;
    data[`q${r}`] = topProbability[r]!;
    columns.push({ name: `t${r}`, type: INTEGER }, { name: `q${r}`, type: FLOAT });
  }
  const list = (prefix: string, count: number, type: string) =>
    `[${Array.from({ length: count }, (_, c) => `${prefix}${c}`).join(', ')}]::${type}[]`;
  const names = `[${classes.map(quoteLiteral).join(', ')}]`;
  return {
    columns,
    data,
    select: (table) => `SELECT image_id, ${quoteLiteral(run.modelId)} AS model_id, predicted,
      ${names}[predicted + 1] AS predicted_name, confidence, margin, entropy,
      ${full ? list('p', k, 'FLOAT') : 'NULL::FLOAT[]'} AS probabilities,
      ${full ? 'NULL::INTEGER[]' : list('t', ranks, 'INTEGER')} AS top_classes,
      ${full ? 'NULL::FLOAT[]' : list('q', ranks, 'FLOAT')} AS top_probabilities,
      ${quoteLiteral(run.runId)} AS score_run, ${partition}::INTEGER AS partition,
      make_timestamptz(${Math.round(run.scoredAtMs) * 1000}::BIGINT) AS scored_at
      FROM ${table}`,
  };
}

/**
 * Offers class `c` of the row at `row` in `probs` to the `kept` best classes so far in `top`
 * (most probable first, the lower class first among equals); returns how many are kept now.
 */
function keepTop(top: Int32Array, kept: number, probs: Float32Array, row: number, c: number): number {
  const v = probs[row + c]!;
  if (kept === top.length && v <= probs[row + top[kept - 1]!]!) return kept;
  let at = kept < top.length ? kept : kept - 1;
  while (at > 0 && v > probs[row + top[at - 1]!]!) {
    top[at] = top[at - 1]!;
    at--;
  }
  top[at] = c;
  return kept < top.length ? kept + 1 : kept;
}

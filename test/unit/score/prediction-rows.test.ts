import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeParquet } from '../../../lib/catalog/parquet-writer.js';
import { quoteLiteral } from '../../../lib/catalog/sql-quote.js';
import { tableRelation } from '../../../lib/catalog/views.js';
import { MAX_FULL_CLASSES, predictionRows, TOP_K } from '../../../lib/score/prediction-rows.js';
import { seededRandom } from '../../../lib/util/prng.js';

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});
const dir = mkdtempSync(join(tmpdir(), 'imagelake-predictions-'));
const run = { runId: 'r1', modelId: 'm1', scoredAtMs: 1_795_000_000_000 };

/** Softmax-like rows with ties and a few equal maxima, n x k. */
function probabilities(n: number, k: number): Float32Array {
  const random = seededRandom(k);
  const probs = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let c = 0; c < k; c++) sum += probs[i * k + c] = Math.round(random() * 20) ** 3;
    for (let c = 0; c < k; c++) probs[i * k + c]! /= sum;
  }
  return probs;
}

/** Writes a partition's predictions through the predictions table's relation and reads them back. */
async function written(k: number, n = 50) {
  const classes = Array.from({ length: k }, (_, c) => `class ${c}`);
  const ids = Array.from({ length: n }, (_, i) => `img${i}`);
  const probs = probabilities(n, k);
  const rows = predictionRows(run, classes, 3, ids, probs);
  const file = join(dir, `k${k}.parquet`);
  await writeParquet(connection, file, rows.columns, rows.data, rows.select);
  const reader = await connection.runAndReadAll(
    `SELECT image_id, predicted, predicted_name, confidence, probabilities, top_classes, top_probabilities, partition
     FROM (${tableRelation('predictions', [file])}) ORDER BY image_id`,
  );
  return { probs, rows: reader.getRowsJS(), ids };
}

describe("a partition's prediction rows", () => {
  it(`keep every class's probability up to ${MAX_FULL_CLASSES} classes`, async () => {
    const { probs, rows } = await written(10);
    for (const [id, predicted, name, confidence, all, topClasses, topProbabilities, partition] of rows) {
      const i = Number(String(id).slice(3));
      const row = Array.from(probs.subarray(i * 10, i * 10 + 10));
      expect(all).toEqual(row);
      expect([topClasses, topProbabilities, partition]).toEqual([null, null, 3]);
      expect(predicted).toBe(row.indexOf(Math.max(...row)));
      expect(name).toBe(`class ${predicted}`);
      expect(confidence).toBe(Math.max(...row));
    }
  });

  it(`keep the ${TOP_K} most probable classes, in order, for a model of more classes`, async () => {
    const k = 200;
    const { probs, rows } = await written(k);
    expect(rows).toHaveLength(50);
    for (const [id, predicted, , confidence, all, topClasses, topProbabilities] of rows) {
      const i = Number(String(id).slice(3));
      const row = Array.from(probs.subarray(i * k, (i + 1) * k));
      // Most probable first; among equals the lower class first (as `predicted` picks).
      const expected = row
        .map((p, c) => [p, c] as const)
        .sort((a, b) => b[0] - a[0] || a[1] - b[1])
        .slice(0, TOP_K);
      expect(all).toBeNull();
      expect(topClasses).toEqual(expected.map(([, c]) => c));
      expect(topProbabilities).toEqual(expected.map(([p]) => p));
      expect((topClasses as number[])[0]).toBe(predicted);
      expect(confidence).toBe(expected[0]![0]);
    }
  });

  it('read through the table relation, files written before the top columns existed give them as NULL', async () => {
    const old = join(dir, 'old.parquet');
    await connection.run(
      `COPY (SELECT 'img0' AS image_id, 'm0' AS model_id, 1 AS predicted, [0.2, 0.8]::FLOAT[] AS probabilities)
       TO ${quoteLiteral(old)} (FORMAT parquet)`,
    );
    const reader = await connection.runAndReadAll(
      `SELECT image_id, probabilities, top_classes, top_probabilities FROM (${tableRelation('predictions', [old])})`,
    );
    expect(reader.getRowsJS()).toEqual([['img0', [0.20000000298023224, 0.800000011920929], null, null]]);
  });
});

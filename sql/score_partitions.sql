-- The ledger: one row per planned partition of every score run: succeeded (committed), failed (with its reason) or pending.
WITH planned AS (
  SELECT r.run_id, r.model_id, unnest(range(r.partitions)) AS partition FROM score_runs r
),
committed AS (
  SELECT body->>'runId' AS run_id, CAST(body->>'partition' AS INTEGER) AS partition, CAST(body->>'images' AS BIGINT) AS images,
    CAST(body->>'attempt' AS INTEGER) AS attempts, CAST(body->>'seconds' AS DOUBLE) AS seconds
  FROM _manifests WHERE kind = 'score_partitions'
),
failed AS (
  SELECT body->>'runId' AS run_id, CAST(body->>'partition' AS INTEGER) AS partition, CAST(body->>'attempts' AS INTEGER) AS attempts,
    body->>'error' AS error, CAST(body->>'failedAt' AS TIMESTAMPTZ) AS failed_at
  FROM _manifests WHERE kind = 'score_failures'
)
SELECT p.run_id, p.partition, p.model_id,
  CASE WHEN c.partition IS NOT NULL THEN 'succeeded' WHEN f.partition IS NOT NULL THEN 'failed' ELSE 'pending' END AS status,
  coalesce(c.attempts, f.attempts) AS attempts,
  CASE WHEN c.partition IS NULL THEN f.error END AS error,
  c.images, c.seconds
FROM planned p
LEFT JOIN committed c USING (run_id, partition)
LEFT JOIN failed f USING (run_id, partition)

-- One row per batch score run: the pinned model (and the alias it came from), the selection, how many images and partitions were planned.
SELECT
  body->>'runId' AS run_id,
  body->>'modelId' AS model_id,
  body->>'alias' AS alias,
  body->>'where' AS "where",
  body->>'dataset' AS dataset,
  CAST(body->>'selected' AS BIGINT) AS selected,
  CAST(body->>'partitions' AS INTEGER) AS partitions,
  CAST(body->>'partitionSize' AS INTEGER) AS partition_size,
  CAST(body->>'startedAt' AS TIMESTAMPTZ) AS started_at
FROM _manifests
WHERE kind = 'score_runs'

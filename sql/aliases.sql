-- Every move of every model alias (production, candidate, ...), with the previous target and the reason; current = true marks where each points now.
SELECT
  body->>'alias' AS alias,
  CAST(body->>'version' AS INTEGER) AS version,
  body->>'modelId' AS model_id,
  body->>'previousModelId' AS previous_model_id,
  CAST(body->>'movedAt' AS TIMESTAMPTZ) AS moved_at,
  body->>'reason' AS reason,
  CAST(body->>'version' AS INTEGER) = max(CAST(body->>'version' AS INTEGER)) OVER (PARTITION BY body->>'alias') AS current
FROM _manifests
WHERE kind = 'aliases'

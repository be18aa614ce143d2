-- One row per stored evaluation: model, dataset version, split, the headline metrics (all of them in metrics) and when.
SELECT
  body->>'evalId' AS eval_id,
  body->>'modelId' AS model_id,
  body->>'datasetRef' AS dataset,
  body->>'datasetContentHash' AS dataset_content_hash,
  body->>'split' AS split,
  CAST(body->'metrics'->>'n' AS BIGINT) AS n,
  CAST(body->'metrics'->>'accuracy' AS DOUBLE) AS accuracy,
  CAST(body->'metrics'->>'errorRate' AS DOUBLE) AS error_rate,
  CAST(body->'metrics'->'macro'->>'f1' AS DOUBLE) AS macro_f1,
  CAST(body->'metrics'->>'top2Accuracy' AS DOUBLE) AS top2_accuracy,
  CAST(body->'metrics'->>'logLoss' AS DOUBLE) AS log_loss,
  CAST(body->'metrics'->>'ece' AS DOUBLE) AS ece,
  body->'metrics' AS metrics,
  CAST(body->>'createdAt' AS TIMESTAMPTZ) AS created_at
FROM _manifests
WHERE kind = 'evaluations'

-- One row per registered model: arch, learning parameters, seed, the dataset version it learned from, final metrics and timing.
SELECT
  body->>'id' AS model_id,
  body->>'arch' AS arch,
  body->'params' AS params,
  CAST(body->>'seed' AS BIGINT) AS seed,
  body->'dataset'->>'ref' AS dataset,
  body->'dataset'->>'name' AS dataset_name,
  CAST(body->'dataset'->>'version' AS INTEGER) AS dataset_version,
  body->'dataset'->>'contentHash' AS dataset_content_hash,
  CAST(body->'classes' AS VARCHAR[]) AS classes,
  json_array_length(body->'curves') AS epochs,
  CAST(body->>'$.curves[#-1].valLoss' AS DOUBLE) AS val_loss,
  CAST(body->>'$.curves[#-1].valAccuracy' AS DOUBLE) AS val_accuracy,
  body->>'stopped' AS stopped,
  body->>'backend' AS backend,
  body->>'codeVersion' AS code_version,
  CAST(body->>'trainSeconds' AS DOUBLE) AS train_seconds,
  CAST(body->>'samplesPerSecond' AS DOUBLE) AS samples_per_second,
  body->>'sweepId' AS sweep_id,
  CAST(body->>'createdAt' AS TIMESTAMPTZ) AS created_at
FROM _manifests
WHERE kind = 'models'

-- One row per drift check: model, window, reference, PSI and chi-square of predicted classes and of image statistics, and the level (ok, warn, alert).
SELECT
  body->>'driftId' AS drift_id,
  body->>'modelId' AS model_id,
  body->>'window' AS "window",
  body->>'reference' AS reference,
  body->>'level' AS level,
  CAST(body->'classes'->>'psi' AS DOUBLE) AS class_psi,
  CAST(body->'classes'->>'chiSquare' AS DOUBLE) AS class_chi_square,
  CAST(body->'classes'->>'pValue' AS DOUBLE) AS class_p_value,
  CAST(body->'intensity'->>'psi' AS DOUBLE) AS intensity_psi,
  CAST(body->'polarity'->>'psi' AS DOUBLE) AS polarity_psi,
  CAST(body->'classes'->>'n' AS BIGINT) AS n,
  body->'classes'->'perCategory' AS per_class,
  CAST(body->>'checkedAt' AS TIMESTAMPTZ) AS checked_at
FROM _manifests
WHERE kind = 'drift'

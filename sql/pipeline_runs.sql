-- One row per pipeline run: when, how long, the model it promoted, and every stage with its status, reason and duration.
SELECT
  body->>'runId' AS run_id,
  CAST(body->>'startedAt' AS TIMESTAMPTZ) AS started_at,
  CAST(body->>'seconds' AS DOUBLE) AS seconds,
  body->>'promotedModel' AS promoted_model,
  body->'stages' AS stages
FROM _manifests
WHERE kind = 'pipeline_runs'

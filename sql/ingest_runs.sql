-- One row per committed ingest run: its source, counts (duplicates include those a concurrent run stored first), label conflicts, commit time and position.
SELECT
  body->>'runId' AS run_id,
  CAST(body->>'committedAt' AS TIMESTAMPTZ) AS committed_at,
  body->'source'->>'kind' AS source_kind,
  coalesce(body->'source'->>'root', body->'source'->>'images') AS source_uri,
  CAST(body->'counts'->>'seen' AS BIGINT) AS seen,
  CAST(body->'counts'->>'ingested' AS BIGINT) AS ingested,
  CAST(body->'counts'->>'duplicates' AS BIGINT) AS duplicates,
  CAST(coalesce(body->>'concurrentDuplicates', '0') AS BIGINT) AS concurrent_duplicates,
  CAST(body->'counts'->>'quarantined' AS BIGINT) AS quarantined,
  CAST(body->'counts'->>'batches' AS BIGINT) AS batches,
  CAST(body->'counts'->>'bytes' AS BIGINT) AS bytes,
  CAST(body->>'labelConflicts' AS BIGINT) AS label_conflicts,
  CAST(body->'classes' AS VARCHAR[]) AS classes,
  CAST(body->>'commit' AS BIGINT) AS commit_position,
  key AS manifest_key
FROM _manifests
WHERE kind = 'ingest'

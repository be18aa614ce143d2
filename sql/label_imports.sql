-- One row per committed human label import: the file it came from, its row count and when it was imported.
SELECT
  body->>'importId' AS import_id,
  body->>'file' AS file,
  CAST(body->>'rows' AS BIGINT) AS rows,
  CAST(body->>'importedAt' AS TIMESTAMPTZ) AS imported_at,
  key AS manifest_key
FROM _manifests
WHERE kind = 'labels'

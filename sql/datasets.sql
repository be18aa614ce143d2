-- One row per dataset version: name@version, the query that defined it, split settings, classes, counts, lake snapshot and content hash.
SELECT
  body->>'name' AS name,
  CAST(body->>'version' AS INTEGER) AS version,
  body->>'ref' AS ref,
  body->>'query' AS query,
  CAST(body->>'seed' AS BIGINT) AS seed,
  body->'split' AS split,
  CAST(body->>'stratify' AS BOOLEAN) AS stratify,
  CAST(body->'classes' AS VARCHAR[]) AS classes,
  CAST(body->'counts'->>'total' AS BIGINT) AS members,
  CAST(body->'counts'->>'train' AS BIGINT) AS train,
  CAST(body->'counts'->>'val' AS BIGINT) AS val,
  CAST(body->'counts'->>'test' AS BIGINT) AS test,
  body->'snapshot'->>'id' AS snapshot_id,
  body->>'contentHash' AS content_hash,
  CAST(body->>'createdAt' AS TIMESTAMPTZ) AS created_at,
  key AS manifest_key
FROM _manifests
WHERE kind = 'datasets'

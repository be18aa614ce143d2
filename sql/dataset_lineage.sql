-- Where each dataset version came from: its query and lake snapshot, and per label source the images and ingest runs it drew on.
SELECT d.ref AS dataset, d.query, d.snapshot_id, m.label_source, count(*) AS images,
  list(DISTINCT i.ingest_run ORDER BY i.ingest_run) AS ingest_runs
FROM dataset_members m
JOIN datasets d ON d.name = m.dataset AND d.version = m.version
LEFT JOIN images i USING (image_id)
GROUP BY ALL

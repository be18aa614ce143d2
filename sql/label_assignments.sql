-- Every label of every image with its source (ingest run or human import) and weight; one image can have several.
SELECT image_id, label, 'ingest' AS source_kind, 'ingest:' || ingest_run AS source, 1.0::DOUBLE AS weight, ingested_at AS assigned_at
FROM images
WHERE label IS NOT NULL
UNION ALL
SELECT image_id, label, 'human', 'human:' || import_id, weight, imported_at
FROM _t_human_labels

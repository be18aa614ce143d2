-- For every model and each of its evaluations: the dataset version, its query and lake snapshot, and the label sources of its members.
SELECT m.model_id, m.dataset, d.query, d.snapshot_id, l.label_source, l.images AS images_from_source, e.eval_id, e.split AS evaluated_split
FROM models m
JOIN datasets d ON d.ref = m.dataset
LEFT JOIN dataset_lineage l ON l.dataset = m.dataset
LEFT JOIN evaluations e USING (model_id)

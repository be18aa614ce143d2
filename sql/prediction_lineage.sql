-- For every score run: the model that predicted, the dataset version it learned from, that version's query and snapshot.
SELECT r.run_id, r.model_id, r.alias, m.dataset, d.query, d.snapshot_id, m.arch, m.params
FROM score_runs r
LEFT JOIN models m USING (model_id)
LEFT JOIN datasets d ON d.ref = m.dataset

-- Per score run: selected = scored + in failed or pending partitions; complete is true when every selected image has a committed prediction.
SELECT r.run_id, r.model_id, r.selected,
  coalesce(sum(l.images) FILTER (l.status = 'succeeded'), 0) AS scored,
  count(*) FILTER (l.status = 'failed') AS failed_partitions,
  count(*) FILTER (l.status = 'pending') AS pending_partitions,
  r.selected = coalesce(sum(l.images) FILTER (l.status = 'succeeded'), 0) AS complete
FROM score_runs r
LEFT JOIN score_partitions l USING (run_id)
GROUP BY r.run_id, r.model_id, r.selected

-- The effective label of each labeled image: the source kind first in the precedence (default human > ingest) wins, then the latest assignment.
SELECT image_id, label, source_kind, source, weight, assigned_at
FROM (
  SELECT a.*, row_number() OVER (PARTITION BY a.image_id ORDER BY p.rank, a.assigned_at DESC, a.source DESC) AS rn
  FROM label_assignments a
  JOIN _label_precedence p USING (source_kind)
)
WHERE rn = 1

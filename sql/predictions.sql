-- The committed prediction per image and model (the latest run's when scored twice): class, name, confidence, margin, entropy, every class's probability.
SELECT * EXCLUDE (rn)
FROM (
  SELECT *, row_number() OVER (PARTITION BY image_id, model_id ORDER BY scored_at DESC, score_run DESC) AS rn
  FROM _t_predictions
)
WHERE rn = 1

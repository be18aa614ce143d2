-- The least confident committed predictions first (smallest margin between the top two classes), for human review and label import.
SELECT p.image_id, p.model_id, p.predicted_name, p.confidence, p.margin, p.entropy, i.source, l.label AS current_label
FROM predictions p
JOIN images i USING (image_id)
LEFT JOIN labels l USING (image_id)
ORDER BY p.margin ASC, p.entropy DESC

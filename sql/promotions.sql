-- Every promotion decision, accepted or refused: alias, candidate, previous model, the gate, its reasons and the evaluations it used.
SELECT
  body->>'alias' AS alias,
  body->>'candidate' AS candidate,
  body->>'previous' AS previous,
  CAST(body->>'promote' AS BOOLEAN) AS promoted,
  CAST(body->'reasons' AS VARCHAR[]) AS reasons,
  body->'gate' AS gate,
  body->>'datasetRef' AS dataset,
  body->>'candidateEval' AS candidate_eval,
  body->>'productionEval' AS production_eval,
  CAST(body->>'decidedAt' AS TIMESTAMPTZ) AS decided_at
FROM _manifests
WHERE kind = 'promotions'

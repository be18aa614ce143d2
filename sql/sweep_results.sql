-- Quality against learning parameters: every model with its parameters, dataset and the metrics of each of its evaluations.
SELECT m.model_id, m.arch, m.sweep_id, m.dataset, m.params, m.epochs, m.stopped, e.split, e.accuracy, e.error_rate, e.macro_f1, e.log_loss
FROM models m
LEFT JOIN evaluations e USING (model_id)

-- Per example of every stored evaluation: true and predicted class index, whether right, the confidence and the true class's probability.
SELECT * FROM _t_evaluation_predictions

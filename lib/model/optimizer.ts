import * as tf from '@tensorflow/tfjs';
import type { TrainParams } from './params.js';

/** The optimizer a run's parameters name; its state is saved with every checkpoint. */
export function createOptimizer(p: Pick<TrainParams, 'optimizer' | 'lr' | 'momentum'>): tf.Optimizer {
  switch (p.optimizer) {
    case 'adam':
      return tf.train.adam(p.lr);
    case 'sgd':
      return p.momentum > 0 ? tf.train.momentum(p.lr, p.momentum, false) : tf.train.sgd(p.lr);
    case 'nesterov':
      return tf.train.momentum(p.lr, p.momentum, true);
  }
}

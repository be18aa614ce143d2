import * as tf from '@tensorflow/tfjs';
import type { ReaderBatch } from '../dataset/reader.js';
import type { TrainParams } from './params.js';

/** Thrown when the loss stops being a number (too high a learning rate, as the original's lr 1.0). */
export class DivergedError extends Error {
  override readonly name = 'DivergedError';
}

export interface EpochResult {
  readonly loss: number;
  readonly accuracy: number;
  readonly samples: number;
  readonly seconds: number;
}

export function createOptimizer(p: TrainParams): tf.Optimizer {
  switch (p.optimizer) {
    case 'adam':
      return tf.train.adam(p.lr);
    case 'sgd':
      return p.momentum > 0 ? tf.train.momentum(p.lr, p.momentum, false) : tf.train.sgd(p.lr);
    case 'nesterov':
      return tf.train.momentum(p.lr, p.momentum, true);
  }
}

/** Kernels of dense and conv layers: what the L2 penalty applies to (biases are left alone). */
function kernels(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.filter((w) => w.name.includes('kernel')).map((w) => w.read() as tf.Variable);
}

/** One pass over the batches: a gradient step per batch; loss and accuracy averaged over samples. */
export async function trainEpoch(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  batches: AsyncIterable<ReaderBatch>,
  classes: number,
  l2: number,
): Promise<EpochResult> {
  const start = performance.now();
  let samples = 0;
  let lossSum = 0;
  let correct = 0;
  const inputs = model.inputs[0]!.shape[1]!;
  for await (const b of batches) {
    const [loss, hits] = tf.tidy(() => {
      const x = tf.tensor2d(b.x, [b.n, inputs]);
      const labels = tf.tensor1d(b.y, 'int32');
      const y = tf.oneHot(labels, classes);
      let right: tf.Tensor | undefined;
      const cost = optimizer.minimize(() => {
        const probs = model.apply(x, { training: true }) as tf.Tensor;
        // minimize disposes what its function made: keep the hit count for the epoch metrics
        right = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(probs, 1), labels), 'float32')));
        const ce = tf.mean(tf.metrics.categoricalCrossentropy(y, probs));
        if (l2 === 0) return ce as tf.Scalar;
        const penalty = tf.addN(kernels(model).map((k) => tf.sum(tf.square(k))));
        return tf.add(ce, tf.mul(penalty, l2 / 2)) as tf.Scalar;
      }, true)!;
      return [tf.keep(cost), tf.keep(right!)];
    });
    const [lossValue, hitValue] = [(await loss.data())[0]!, (await hits.data())[0]!];
    loss.dispose();
    hits.dispose();
    if (!Number.isFinite(lossValue))
      throw new DivergedError(`model: the loss diverged (${lossValue}) after ${samples} samples`);
    lossSum += lossValue * b.n;
    correct += hitValue;
    samples += b.n;
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    loss: samples ? lossSum / samples : Number.NaN,
    accuracy: samples ? correct / samples : 0,
    samples,
    seconds,
  };
}

/** Mean cross-entropy and accuracy over labeled batches, no gradient. */
export async function evaluateBatches(
  model: tf.LayersModel,
  batches: AsyncIterable<ReaderBatch>,
  classes: number,
): Promise<{ loss: number; accuracy: number; samples: number }> {
  let samples = 0;
  let lossSum = 0;
  let correct = 0;
  for await (const b of batches) {
    const probs = predictProbabilities(model, b);
    for (let i = 0; i < b.n; i++) {
      const row = probs.subarray(i * classes, (i + 1) * classes);
      const label = b.y[i]!;
      lossSum -= Math.log(Math.max(row[label] ?? 0, 1e-7));
      if (argMax(row) === label) correct++;
    }
    samples += b.n;
  }
  return {
    loss: samples ? lossSum / samples : Number.NaN,
    accuracy: samples ? correct / samples : 0,
    samples,
  };
}

/** Class probabilities of a batch, n * classes values, row-major. */
export function predictProbabilities(model: tf.LayersModel, b: Pick<ReaderBatch, 'x' | 'n'>): Float32Array {
  const inputs = model.inputs[0]!.shape[1]!;
  return tf
    .tidy(() => (model.predict(tf.tensor2d(b.x, [b.n, inputs])) as tf.Tensor).dataSync() as Float32Array)
    .slice();
}

export function argMax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

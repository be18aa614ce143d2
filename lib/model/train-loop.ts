import * as tf from '@tensorflow/tfjs';
import { checkBatch, type LabeledBatch } from './batch.js';
import { denseStack, denseStep, type StepResult } from './dense-step.js';

/** The loss stopped being a number (too high a learning rate, as the original's lr 1.0). */
export class DivergedError extends Error {
  override readonly name = 'DivergedError';
  constructor(
    readonly loss: number,
    readonly afterSamples: number,
  ) {
    super(`model: the loss diverged (${loss}) after ${afterSamples} samples`);
  }
}

export interface EpochResult {
  /** Mean cross-entropy over the epoch's samples, each at the weights before its step (no L2 term, so it compares with validation loss). */
  readonly loss: number;
  readonly accuracy: number;
  readonly samples: number;
  readonly seconds: number;
  readonly samplesPerSecond: number;
}

export interface EvalResult {
  readonly loss: number;
  readonly accuracy: number;
  readonly samples: number;
}

/**
 * One pass over the batches, a gradient step per batch, in the order given: the same batches
 * give the same weights (the reader's seeded shuffle decides the order). Dense stacks (the mlp)
 * take the written-out backward pass of dense-step.ts, anything else TF.js's tape. Throws
 * DivergedError when the loss or a weight stops being finite; nothing of a step outlives it
 * (tf.memory().numTensors is flat across epochs).
 */
export async function trainEpoch(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  batches: AsyncIterable<LabeledBatch> | Iterable<LabeledBatch>,
  classes: number,
  l2: number,
): Promise<EpochResult> {
  const start = performance.now();
  const inputs = inputSize(model);
  const dense = denseStack(model);
  const kernels = kernelVariables(model);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let samples = 0;
  let lossSum = 0;
  let correct = 0;
  for await (const b of batches) {
    checkBatch(b, inputs, classes);
    const step = dense
      ? denseStep(dense, optimizer, b, classes, l2)
      : tapeStep(model, optimizer, variables, kernels, b, inputs, classes, l2);
    if (!Number.isFinite(step.lossSum)) throw new DivergedError(step.lossSum / b.n, samples);
    lossSum += step.lossSum;
    correct += step.correct;
    samples += b.n;
  }
  if (samples === 0) throw new Error('model: the epoch had no training batches');
  // A step can blow the weights up after its loss was computed: never hand on a broken model.
  if (!allFinite(variables)) throw new DivergedError(Number.NaN, samples);
  const seconds = (performance.now() - start) / 1000;
  return {
    loss: lossSum / samples,
    accuracy: correct / samples,
    samples,
    seconds,
    samplesPerSecond: samples / seconds,
  };
}

/** A step through TF.js's tape (optimizer.minimize), for networks other than dense stacks. */
function tapeStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  kernels: tf.Variable[],
  b: LabeledBatch,
  inputs: number,
  classes: number,
  l2: number,
): StepResult {
  const probs = tf.tidy(() => {
    const x = tf.tensor2d(b.x, [b.n, inputs]);
    const y = tf.oneHot(tf.tensor1d(b.y.subarray(0, b.n), 'int32'), classes);
    let kept: tf.Tensor | undefined;
    optimizer.minimize(
      () => {
        const p = model.apply(x, { training: true }) as tf.Tensor;
        kept = tf.keep(p); // minimize disposes what its function made: the metrics need it
        const ce = tf.mean(tf.metrics.categoricalCrossentropy(y, p));
        if (l2 === 0 || kernels.length === 0) return ce as tf.Scalar;
        return tf.add(ce, tf.mul(tf.addN(kernels.map((k) => tf.sum(tf.square(k)))), l2 / 2)) as tf.Scalar;
      },
      false,
      variables,
    );
    return kept!;
  });
  try {
    return scoreBatch(probs.dataSync() as Float32Array, b, classes);
  } finally {
    probs.dispose();
  }
}

/** Mean cross-entropy and accuracy over labeled batches, no gradient. */
export async function evaluateBatches(
  model: tf.LayersModel,
  batches: AsyncIterable<LabeledBatch> | Iterable<LabeledBatch>,
  classes: number,
): Promise<EvalResult> {
  const inputs = inputSize(model);
  let samples = 0;
  let lossSum = 0;
  let correct = 0;
  for await (const b of batches) {
    checkBatch(b, inputs, classes);
    const s = scoreBatch(predictProbabilities(model, b), b, classes);
    lossSum += s.lossSum;
    correct += s.correct;
    samples += b.n;
  }
  return {
    loss: samples ? lossSum / samples : Number.NaN,
    accuracy: samples ? correct / samples : 0,
    samples,
  };
}

/** Class probabilities of a batch: n * classes values, row-major. */
export function predictProbabilities(model: tf.LayersModel, b: Pick<LabeledBatch, 'x' | 'n'>): Float32Array {
  const inputs = inputSize(model);
  checkBatch({ x: b.x, y: new Int32Array(0), n: b.n }, inputs, 0, false);
  // One forward pass over the whole batch: predict() would split it into batches of 32, copying
  // each slice out of the backend, which cost more than the matrix products here.
  const probs = tf.tidy(() => model.apply(tf.tensor2d(b.x, [b.n, inputs]), { training: false }) as tf.Tensor);
  try {
    return (probs.dataSync() as Float32Array).slice(); // a copy: the cpu backend hands out its storage
  } finally {
    probs.dispose();
  }
}

export function argMax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

/** Summed cross-entropy (probabilities floored at 1e-7, as Keras clips) and hits of one batch. */
function scoreBatch(probs: Float32Array, b: LabeledBatch, classes: number): StepResult {
  let lossSum = 0;
  let correct = 0;
  for (let i = 0; i < b.n; i++) {
    const row = probs.subarray(i * classes, (i + 1) * classes);
    const label = b.y[i]!;
    lossSum -= Math.log(Math.max(row[label]!, 1e-7));
    if (argMax(row) === label) correct++;
  }
  return { lossSum, correct };
}

function inputSize(model: tf.LayersModel): number {
  const shape = model.inputs[0]?.shape;
  const size = shape?.slice(1).reduce<number>((a, d) => a * (d ?? Number.NaN), 1);
  if (!size || !Number.isInteger(size))
    throw new Error(`model: expected a model with a fixed input size, got ${String(shape)}`);
  return size;
}

/** Kernels of dense and conv layers: what the L2 penalty applies to (biases are left alone). */
function kernelVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights
    .filter((w) => /kernel$/.test(w.originalName))
    .map((w) => w.read() as tf.Variable);
}

function allFinite(variables: readonly tf.Variable[]): boolean {
  return tf.tidy(() => variables.every((v) => tf.all(tf.isFinite(v)).dataSync()[0] === 1));
}

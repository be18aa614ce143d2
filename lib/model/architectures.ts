import * as tf from '@tensorflow/tfjs';
import { UserError } from '../errors.js';
import type { Arch } from './params.js';

export interface ModelShape {
  readonly width: number;
  readonly height: number;
  readonly classes: number;
}

/**
 * Builds an untrained network with seeded initializers: the same seed gives the same weights.
 * Both take flat images (width * height values in [0, 1]) and end in softmax.
 */
export function buildModel(arch: Arch, shape: ModelShape, seed: number): tf.LayersModel {
  if (!Number.isInteger(shape.classes) || shape.classes < 2)
    throw new UserError(`model: a classifier needs at least 2 classes, got ${shape.classes}`);
  if (!Number.isInteger(shape.width * shape.height) || shape.width < 1 || shape.height < 1)
    throw new UserError(`model: expected a positive image size, got ${shape.width}x${shape.height}`);
  if (arch === 'mlp') return mlp(shape, seed);
  if (arch === 'cnn') return cnn(shape, seed);
  throw new UserError(`model: unknown arch "${String(arch)}": expected mlp or cnn`);
}

/** Xavier (Glorot uniform) kernels, one seed per layer so layers differ but runs repeat. */
function seeded(seed: number): () => ReturnType<typeof tf.initializers.glorotUniform> {
  let next = seed;
  return () => tf.initializers.glorotUniform({ seed: next++ });
}

/**
 * The original DL4J network: dense inputs-500-100-classes, ReLU, Xavier init, softmax with
 * cross-entropy (negative log-likelihood). L2 is a training parameter, not a layer regularizer:
 * the loop adds l2 * w to each kernel's gradient (DL4J's convention), so the saved model.json
 * stays a plain network whatever l2 a trial used.
 */
function mlp(shape: ModelShape, seed: number): tf.LayersModel {
  const init = seeded(seed);
  return tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [shape.width * shape.height],
        units: 500,
        activation: 'relu',
        kernelInitializer: init(),
      }),
      tf.layers.dense({ units: 100, activation: 'relu', kernelInitializer: init() }),
      tf.layers.dense({ units: shape.classes, activation: 'softmax', kernelInitializer: init() }),
    ],
  });
}

/**
 * Two conv+pool blocks ('same' padding keeps the borders: about +1.5 points of test accuracy on
 * Fashion-MNIST over 'valid' here) and a dense layer, trained with Adam at 0.001 (accuracy and time:
 * docs/benchmarks.md). Small on purpose: 16 and 32 filters; wider layers cost several times
 * the time. No dropout: TF.js's seeded dropout repeats one mask every batch, an unseeded one
 * breaks "same seed, same weights".
 */
function cnn(shape: ModelShape, seed: number): tf.LayersModel {
  if (shape.width < 12 || shape.height < 12)
    throw new UserError(`model: the cnn needs images of at least 12x12, got ${shape.width}x${shape.height}`);
  const init = seeded(seed);
  const conv = (filters: number) =>
    tf.layers.conv2d({
      filters,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(),
    });
  return tf.sequential({
    layers: [
      tf.layers.reshape({
        inputShape: [shape.width * shape.height],
        targetShape: [shape.height, shape.width, 1],
      }),
      conv(16),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      conv(32),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init() }),
      tf.layers.dense({ units: shape.classes, activation: 'softmax', kernelInitializer: init() }),
    ],
  });
}

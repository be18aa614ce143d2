import * as tf from '@tensorflow/tfjs';
import { UserError } from '../errors.js';
import type { Arch } from './params.js';

export interface ModelShape {
  readonly width: number;
  readonly height: number;
  readonly classes: number;
}

/**
 * Builds an untrained network with seeded initializers (same seed, same weights).
 * mlp: the original DL4J network, dense inputs-500-100-classes, ReLU, Xavier (Glorot) init, softmax.
 * cnn: two conv+pool blocks and a dense layer, small enough to train on a 2-core CPU in minutes.
 */
export function buildModel(arch: Arch, shape: ModelShape, seed: number): tf.LayersModel {
  if (shape.classes < 2)
    throw new UserError(`model: a classifier needs at least 2 classes, got ${shape.classes}`);
  let s = seed;
  const init = () => tf.initializers.glorotUniform({ seed: s++ });
  const inputs = shape.width * shape.height;
  if (arch === 'mlp') {
    return tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [inputs], units: 500, activation: 'relu', kernelInitializer: init() }),
        tf.layers.dense({ units: 100, activation: 'relu', kernelInitializer: init() }),
        tf.layers.dense({ units: shape.classes, activation: 'softmax', kernelInitializer: init() }),
      ],
    });
  }
  if (shape.width < 12 || shape.height < 12)
    throw new UserError(`model: the cnn needs images of at least 12x12, got ${shape.width}x${shape.height}`);
  return tf.sequential({
    layers: [
      tf.layers.reshape({ inputShape: [inputs], targetShape: [shape.height, shape.width, 1] }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: init() }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: init() }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init() }),
      tf.layers.dense({ units: shape.classes, activation: 'softmax', kernelInitializer: init() }),
    ],
  });
}

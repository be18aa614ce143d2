import * as tf from '@tensorflow/tfjs';
import type { LabeledBatch } from './batch.js';
import { applyUpdates, type VariableUpdate } from './native-momentum.js';

/** A dense layer's variables as the fast step uses them. */
interface DenseVars {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
}

/** What one step reports: the batch's summed cross-entropy (before the update) and correct count. */
export interface StepResult {
  readonly lossSum: number;
  readonly correct: number;
}

/**
 * The model's layers when it is a plain dense stack (ReLU hidden layers, softmax output, biases),
 * as the mlp is; undefined for anything else, which trains through TF.js's tape instead.
 */
export function denseStack(model: tf.LayersModel): readonly DenseVars[] | undefined {
  const out: DenseVars[] = [];
  for (const [i, layer] of model.layers.entries()) {
    if (layer.getClassName() !== 'Dense' || !layer.trainable) return undefined;
    const config = layer.getConfig();
    const last = i === model.layers.length - 1;
    if (config.activation !== (last ? 'softmax' : 'relu') || config.useBias === false) return undefined;
    const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    if (!kernel || !bias || kernel.rank !== 2) return undefined;
    out.push({ kernel, bias });
  }
  return out.length > 0 ? out : undefined;
}

/**
 * One gradient step of a dense stack with the backward pass written out instead of recorded on
 * TF.js's tape: about 30 ops instead of about 150, no tape bookkeeping, the softmax/cross-entropy
 * gradient (p - onehot) / n computed in JavaScript from the probabilities the loss needs anyway,
 * bias gradients as a product with ones (a reduction over the batch axis transposes in wasm).
 * The optimizer applies the gradients as in TF.js's own minimize (a momentum step fused into one
 * native pass when the addon is there, with the same bits), so its state (momentum, Adam moments)
 * is the same object checkpoints save. Deterministic: same weights and batch, same bits.
 */
export function denseStep(
  layers: readonly DenseVars[],
  optimizer: tf.Optimizer,
  b: LabeledBatch,
  classes: number,
  l2: number,
): StepResult {
  return tf.tidy(() => {
    const inputs = layers[0]!.kernel.shape[0]!;
    const x = tf.tensor2d(b.x, [b.n, inputs]);
    const activations: tf.Tensor2D[] = [x];
    let z: tf.Tensor2D = x;
    layers.forEach(({ kernel, bias }, i) => {
      const hidden = i < layers.length - 1;
      z = tf.fused.matMul({ a: z, b: kernel, bias, activation: hidden ? 'relu' : 'linear' }) as tf.Tensor2D;
      if (hidden) activations.push(z);
    });
    const probs = tf.softmax(z).dataSync();
    const dz = new Float32Array(b.n * classes);
    let lossSum = 0;
    let correct = 0;
    for (let i = 0; i < b.n; i++) {
      const row = i * classes;
      const label = b.y[i]!;
      let best = 0;
      for (let c = 0; c < classes; c++) {
        const p = probs[row + c]!;
        if (p > probs[row + best]!) best = c;
        dz[row + c] = (c === label ? p - 1 : p) / b.n;
      }
      if (best === label) correct++;
      lossSum -= Math.log(Math.max(probs[row + label]!, 1e-7));
    }
    if (!Number.isFinite(lossSum)) return { lossSum, correct }; // the caller reports divergence
    let d: tf.Tensor2D = tf.tensor2d(dz, [b.n, classes]);
    const ones = tf.ones([1, b.n]);
    const updates: VariableUpdate[] = [];
    for (let i = layers.length - 1; i >= 0; i--) {
      const { kernel, bias } = layers[i]!;
      const a = activations[i]!;
      updates[2 * i] = { variable: kernel, gradient: tf.matMul(a, d, true, false), l2 };
      updates[2 * i + 1] = {
        variable: bias,
        gradient: tf.reshape(tf.matMul(ones, d), [d.shape[1]]),
        l2: 0,
      };
      // ReLU's derivative from its output: a > 0 exactly where its input was.
      if (i > 0) d = tf.mul(tf.matMul(d, kernel, false, true), tf.step(a));
    }
    // In the model's weight order (kernel, bias per layer): the order TF.js's minimize uses, which
    // pairs each optimizer slot (momentum, moments) with its variable.
    applyUpdates(optimizer, updates);
    return { lossSum, correct };
  });
}

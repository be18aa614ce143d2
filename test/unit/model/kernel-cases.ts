import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';

/**
 * Our wasm kernels (fixed matMul, conv and pool gradients, the native GEMM when built) against
 * TF.js's plain JavaScript cpu backend on the same random inputs: the reference for every case.
 */
export function kernelCases(): void {
  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('matMul transposeA=%s transposeB=%s', async (ta, tb) => {
    const a = random(ta ? [37, 19] : [19, 37], 1);
    const b = random(tb ? [23, 37] : [37, 23], 2);
    await agree(() => tf.matMul(a(), b(), ta, tb));
    const a3 = random([1, 19, 37], 3);
    await agree(() => tf.matMul(a3(), b(), false, tb));
  });

  it('fused matMul with bias and relu, and its gradients', async () => {
    const x = random([16, 30], 4);
    const w = random([30, 12], 5);
    const bias = random([12], 6);
    await agree(() => tf.fused.matMul({ a: x(), b: w(), bias: bias(), activation: 'relu' }));
    await agree(() =>
      tf.fused.matMul({ a: w(), b: x(), transposeA: true, transposeB: true, activation: 'linear' }),
    );
    await agree(() => {
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(
          tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias: bias(), activation: 'relu' }),
        ),
      )([x(), w()]);
      return tf.concat([tf.reshape(dx!, [-1]), tf.reshape(dw!, [-1])]);
    });
  });

  it.each<
    [string, [number, number, number, number], [number, number, number, number], number, 'same' | 'valid']
  >([
    ['valid 3x3, 1 channel', [4, 12, 12, 1], [3, 3, 1, 8], 1, 'valid'],
    ['valid 3x3, 8 channels', [3, 9, 9, 8], [3, 3, 8, 5], 1, 'valid'],
    ['same 3x3, stride 2', [2, 11, 10, 3], [3, 3, 3, 4], 2, 'same'],
    ['same 5x5, 10 channels', [2, 8, 8, 10], [5, 5, 10, 6], 1, 'same'],
  ])('conv2d gradients, %s', async (_name, xShape, fShape, stride, pad) => {
    const x = random(xShape, 7);
    const f = random(fShape, 8);
    await agree(() => {
      const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad))),
      )([x(), f()]);
      return tf.concat([tf.reshape(dx!, [-1]), tf.reshape(df!, [-1])]);
    });
  });

  it.each<[string, number, number, 'same' | 'valid']>([
    ['2x2 stride 2', 2, 2, 'valid'],
    ['3x3 stride 1 same', 3, 1, 'same'],
    ['2x2 stride 2 odd size', 2, 2, 'valid'],
  ])('maxPool gradient, %s', async (name, size, stride, pad) => {
    const x = random(name.includes('odd') ? [2, 7, 9, 3] : [2, 8, 6, 5], 9);
    await agree(() =>
      tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.maxPool(a as tf.Tensor4D, size, stride, pad))))(x()),
    );
  });
}

/** A deterministic random tensor maker: the same values on every backend. */
function random(shape: number[], seed: number): () => tf.Tensor {
  let s = seed * 7919;
  const values = Float32Array.from({ length: shape.reduce((a, d) => a * d, 1) }, () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647 - 0.5;
  });
  return () => tf.tensor(values, shape);
}

async function agree(f: () => tf.Tensor): Promise<void> {
  const backend = tf.getBackend();
  const ours = tf.tidy(f).dataSync().slice();
  await tf.setBackend('cpu');
  const reference = tf.tidy(f).dataSync().slice();
  await tf.setBackend(backend);
  expect(ours.length).toBe(reference.length);
  const scale = Math.max(...reference.map(Math.abs), 1);
  const worst = Math.max(...ours.map((v, i) => Math.abs(v - reference[i]!)));
  expect(worst / scale).toBeLessThan(1e-5);
}

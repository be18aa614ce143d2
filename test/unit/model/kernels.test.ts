import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useStockKernels } from '../../../lib/model/kernel-overrides.js';
import { initBackend, type BackendInfo } from '../../../lib/model/index.js';
import { kernelCases } from './kernel-cases.js';

let info: BackendInfo;
beforeAll(async () => {
  info = await initBackend();
});

describe('kernels as the backend runs them (the native GEMM when it is built)', () => {
  it('reports the backend, its versions and why a faster path is not in use', () => {
    expect(info.name).toBe('wasm');
    expect(info.versions.gemm).toMatch(/^(xnnpack|OpenBLAS .* kernels, 1 thread\))$/);
    expect(info.versions.tfjs).toMatch(/^4\./);
    expect(info.versions.simd).toBe('true');
    expect(info.notices.join('\n')).toMatch(/tfjs-node is not installed/);
  });
  it('can switch back to the stock kernels for a baseline, and back to ours', () => {
    const ours = tf.getKernel('Conv2DBackpropFilter', 'wasm');
    const restore = useStockKernels();
    try {
      expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined(); // stock wasm has none
      const product = tf.tidy(() => tf.matMul(tf.ones([3, 2]), tf.ones([3, 4]), true).dataSync());
      expect([...product]).toEqual(Array(8).fill(3));
    } finally {
      restore();
    }
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBe(ours);
  });
  kernelCases();
});

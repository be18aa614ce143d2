import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { overrideKernel } from './kernel-overrides.js';

/**
 * tfjs-backend-wasm multiplies with XNNPACK only when neither operand is
 * transposed; with transposeA or transposeB it runs a naive loop, many times slower. Backprop asks
 * for exactly those (dW = x^T dy, dx = dy W^T), so training spent most of its time there. Copying
 * the operand transposed first (a cheap memory pass) and taking the fast path gives the same
 * numbers (the fast path's accumulation order) at the fast path's speed.
 */
export function installWasmMatMulFix(): void {
  const transpose = tf.getKernel('Transpose', 'wasm')?.kernelFunc;
  if (!transpose) throw new Error('model: the wasm backend has no Transpose kernel');
  const swapLastTwo = (x: TensorInfo, backend: KernelBackend): TensorInfo => {
    const perm = x.shape.map((_, i) => i);
    const r = perm.length;
    [perm[r - 2], perm[r - 1]] = [r - 1, r - 2];
    return transpose({ inputs: { x }, backend, attrs: { perm } }) as TensorInfo;
  };
  const untransposed =
    (fast: KernelFunc): KernelFunc =>
    (args) => {
      const attrs = args.attrs ?? {};
      const { a, b } = args.inputs;
      if ((!attrs.transposeA && !attrs.transposeB) || !a || !b) return fast(args);
      const backend = args.backend as KernelBackend;
      const at = attrs.transposeA ? swapLastTwo(a, backend) : a;
      const bt = attrs.transposeB ? swapLastTwo(b, backend) : b;
      try {
        return fast({
          ...args,
          inputs: { ...args.inputs, a: at, b: bt },
          attrs: { ...attrs, transposeA: false, transposeB: false },
        });
      } finally {
        if (at !== a) backend.disposeData(at.dataId);
        if (bt !== b) backend.disposeData(bt.dataId);
      }
    };
  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    overrideKernel(name, 'wasm', (stock) => {
      if (!stock) throw new Error(`model: the wasm backend has no ${name} kernel`);
      return untransposed(stock);
    });
  }
}

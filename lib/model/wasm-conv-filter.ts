import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';
import { overrideKernel } from './kernel-overrides.js';
import { heapIndex, type WasmBackend } from './wasm-heap.js';

type Pad = 'same' | 'valid' | number;
type Quad = [number, number, number, number];

/**
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel, so no conv layer could train on it
 * ("Kernel 'Conv2DBackpropFilter' not registered"). This adds one as im2col plus one matrix
 * product: dW[kh,kw,ci,co] = cols^T dy, cols holding, per output position, the input patch it saw.
 * The product goes through the registered BatchMatMul (XNNPACK, or the native GEMM when loaded).
 */
export function installWasmConvFilterGrad(): void {
  overrideKernel('Conv2DBackpropFilter', 'wasm', (stock) => stock ?? convFilterGrad);
}

const convFilterGrad: tf.KernelFunc = ({ inputs, backend: b, attrs = {} }) => {
  const backend = b as WasmBackend;
  const { x, dy } = inputs;
  if (!x || !dy) throw new Error('model: Conv2DBackpropFilter needs x and dy');
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC')
    throw new Error(`model: Conv2DBackpropFilter on wasm supports NHWC only, got ${String(attrs.dataFormat)}`);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as Quad,
    attrs.filterShape as Quad,
    attrs.strides as number | [number, number],
    1,
    attrs.pad as Pad,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
  );
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, outChannels: co } = info;
  const { top, left } = info.padInfo;
  const k = fh * fw * ci;
  const positions = n * oh * ow;
  const cols = backend.makeOutput([positions, k], 'float32');
  // Views after the allocation: it may have grown the heap.
  const heap = backend.wasm.HEAPF32;
  const xAt = heapIndex(backend, x);
  let o = heapIndex(backend, cols);
  for (let img = 0; img < n; img++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ky = 0; ky < fh; ky++) {
          const iy = oy * sh - top + ky;
          for (let kx = 0; kx < fw; kx++) {
            const ix = ox * sw - left + kx;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) heap.fill(0, o, o + ci);
            else {
              const src = xAt + ((img * h + iy) * w + ix) * ci;
              for (let c = 0; c < ci; c++) heap[o + c] = heap[src + c]!;
            }
            o += ci;
          }
        }
  const matMul = tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc;
  if (!matMul) throw new Error('model: the wasm backend has no BatchMatMul kernel');
  try {
    const out = matMul({
      inputs: { a: cols, b: { dataId: dy.dataId, shape: [positions, co], dtype: 'float32' } },
      backend,
      attrs: { transposeA: true, transposeB: false },
    }) as TensorInfo;
    return { dataId: out.dataId, shape: [fh, fw, ci, co], dtype: 'float32' };
  } finally {
    backend.disposeData(cols.dataId);
  }
};

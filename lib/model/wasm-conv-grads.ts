import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { overrideKernel } from './kernel-overrides.js';
import { heapIndex, type WasmBackend } from './wasm-heap.js';

type ConvInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;
type ConvArgs = Parameters<typeof tf.backend_util.computeConv2DInfo>;

/**
 * Conv2D's gradients on wasm as one matrix product each plus a JavaScript pass over the image
 * patches (im2col / col2im), the product going through the registered BatchMatMul (XNNPACK, or
 * the native GEMM): tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter at all (no conv layer could
 * train: "Kernel 'Conv2DBackpropFilter' not registered") and a naive Conv2DBackpropInput that took
 * 43 ms of a 64-image batch of the cnn here, against about 5 ms this way.
 */
export function installWasmConvGrads(): void {
  overrideKernel('Conv2DBackpropFilter', 'wasm', () => convFilterGrad);
  overrideKernel('Conv2DBackpropInput', 'wasm', () => convInputGrad);
}

/** dW[kh,kw,ci,co] = cols^T dy, cols[position, (kh,kw,ci)] the input patch each output position saw. */
const convFilterGrad: KernelFunc = ({ inputs, backend: b, attrs = {} }) => {
  const backend = b as WasmBackend;
  const { x, dy } = inputs;
  if (!x || !dy) throw new Error('model: Conv2DBackpropFilter needs x and dy');
  const info = convInfo(x.shape, attrs.filterShape as number[], attrs);
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const positions = info.batchSize * info.outHeight * info.outWidth;
  const cols = backend.makeOutput([positions, k], 'float32');
  patches(backend, info, heapIndex(backend, x), heapIndex(backend, cols), 'gather');
  try {
    const out = matMul(
      backend,
      cols,
      { dataId: dy.dataId, shape: [positions, info.outChannels], dtype: 'float32' },
      true,
      false,
    );
    return {
      dataId: out.dataId,
      shape: [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels],
      dtype: 'float32',
    };
  } finally {
    backend.disposeData(cols.dataId);
  }
};

/** dcols = dy W^T, then each patch's gradient added back where the patch came from (col2im). */
const convInputGrad: KernelFunc = ({ inputs, backend: b, attrs = {} }) => {
  const backend = b as WasmBackend;
  const { dy, filter } = inputs;
  if (!dy || !filter) throw new Error('model: Conv2DBackpropInput needs dy and filter');
  const info = convInfo(attrs.inputShape as number[], filter.shape, attrs);
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const positions = info.batchSize * info.outHeight * info.outWidth;
  const dcols = matMul(
    backend,
    { dataId: dy.dataId, shape: [positions, info.outChannels], dtype: 'float32' },
    { dataId: filter.dataId, shape: [k, info.outChannels], dtype: 'float32' },
    false,
    true,
  );
  try {
    const dx = backend.makeOutput([info.batchSize, info.inHeight, info.inWidth, info.inChannels], 'float32');
    const start = heapIndex(backend, dx);
    backend.wasm.HEAPF32.fill(
      0,
      start,
      start + info.batchSize * info.inHeight * info.inWidth * info.inChannels,
    );
    patches(backend, info, start, heapIndex(backend, dcols), 'scatter-add');
    return dx;
  } finally {
    backend.disposeData(dcols.dataId);
  }
};

function convInfo(inShape: number[], filterShape: number[], attrs: NamedAttrMap): ConvInfo {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC')
    throw new Error(`model: conv gradients on wasm support NHWC only, got ${String(attrs.dataFormat)}`);
  return tf.backend_util.computeConv2DInfo(
    inShape as ConvArgs[0],
    filterShape as ConvArgs[1],
    attrs.strides as ConvArgs[2],
    1,
    attrs.pad as ConvArgs[4],
    attrs.dimRoundingMode as ConvArgs[5],
  );
}

/**
 * Walks every output position's patch: `gather` copies image values into cols (zeros for padding),
 * `scatter-add` adds cols back into the image. Reads the heap after the caller's allocations.
 */
function patches(
  backend: WasmBackend,
  info: ConvInfo,
  image: number,
  cols: number,
  mode: 'gather' | 'scatter-add',
): void {
  const heap = backend.wasm.HEAPF32;
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  let o = cols;
  for (let img = 0; img < n; img++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ky = 0; ky < fh; ky++) {
          const iy = oy * sh - top + ky;
          for (let kx = 0; kx < fw; kx++, o += ci) {
            const ix = ox * sw - left + kx;
            const inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
            if (mode === 'gather' && !inside) heap.fill(0, o, o + ci);
            if (!inside) continue;
            const at = image + ((img * h + iy) * w + ix) * ci;
            if (mode === 'scatter-add') for (let c = 0; c < ci; c++) heap[at + c]! += heap[o + c]!;
            else if (ci >= 8)
              heap.copyWithin(o, at, at + ci); // a memmove beats a loop on longer runs
            else for (let c = 0; c < ci; c++) heap[o + c] = heap[at + c]!;
          }
        }
}

function matMul(
  backend: WasmBackend,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): TensorInfo {
  const kernel = tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc;
  if (!kernel) throw new Error('model: the wasm backend has no BatchMatMul kernel');
  return kernel({ inputs: { a, b }, backend, attrs: { transposeA, transposeB } }) as TensorInfo;
}

import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { overrideKernel } from './kernel-overrides.js';
import type { TensorMemory, Values } from './tensor-memory.js';

type ConvInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;
type ConvArgs = Parameters<typeof tf.backend_util.computeConv2DInfo>;

/**
 * Conv2D's gradients on wasm as one matrix product each plus a JavaScript pass over the image
 * patches (im2col / col2im), the product going through the registered BatchMatMul (XNNPACK, or
 * the native GEMM): tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter at all (no conv layer could
 * train: "Kernel 'Conv2DBackpropFilter' not registered") and a naive Conv2DBackpropInput, several
 * times slower than this one. `memory` reaches the
 * tensors: on the heap in place, or by copies when the backend's internals are not as expected.
 */
export function installWasmConvGrads(memory: (backend: KernelBackend) => TensorMemory): void {
  overrideKernel('Conv2DBackpropFilter', 'wasm', () => convFilterGrad(memory));
  overrideKernel('Conv2DBackpropInput', 'wasm', () => convInputGrad(memory));
}

/** dW[kh,kw,ci,co] = cols^T dy, cols[position, (kh,kw,ci)] the input patch each output position saw. */
const convFilterGrad =
  (memoryOf: (backend: KernelBackend) => TensorMemory): KernelFunc =>
  ({ inputs, backend: b, attrs = {} }) => {
    const backend = b as KernelBackend;
    const { x, dy } = inputs;
    if (!x || !dy) throw new Error('model: Conv2DBackpropFilter needs x and dy');
    const memory = memoryOf(backend);
    const info = convInfo(x.shape, attrs.filterShape as number[], attrs);
    const k = info.filterHeight * info.filterWidth * info.inChannels;
    const positions = info.batchSize * info.outHeight * info.outWidth;
    const filling = memory.zeros([positions, k]);
    const image = memory.read(x);
    patches(info, image, filling.values(), 'gather');
    const cols = filling.done();
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
const convInputGrad =
  (memoryOf: (backend: KernelBackend) => TensorMemory): KernelFunc =>
  ({ inputs, backend: b, attrs = {} }) => {
    const backend = b as KernelBackend;
    const { dy, filter } = inputs;
    if (!dy || !filter) throw new Error('model: Conv2DBackpropInput needs dy and filter');
    const memory = memoryOf(backend);
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
      const dx = memory.zeros([info.batchSize, info.inHeight, info.inWidth, info.inChannels]);
      const cols = memory.read(dcols);
      patches(info, dx.values(), cols, 'scatter-add');
      return dx.done();
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
 * `scatter-add` adds cols back into the image. On the heap both are views of one array.
 */
function patches(info: ConvInfo, image: Values, cols: Values, mode: 'gather' | 'scatter-add'): void {
  const { array: img, start: base } = image;
  const { array: col } = cols;
  const shared = img === col;
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  let o = cols.start;
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ky = 0; ky < fh; ky++) {
          const iy = oy * sh - top + ky;
          for (let kx = 0; kx < fw; kx++, o += ci) {
            const ix = ox * sw - left + kx;
            const inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
            if (mode === 'gather' && !inside) col.fill(0, o, o + ci);
            if (!inside) continue;
            const at = base + ((b * h + iy) * w + ix) * ci;
            if (mode === 'scatter-add') for (let c = 0; c < ci; c++) img[at + c]! += col[o + c]!;
            else if (ci < 8) for (let c = 0; c < ci; c++) col[o + c] = img[at + c]!;
            // a memmove beats a loop on longer runs
            else if (shared) col.copyWithin(o, at, at + ci);
            else col.set(img.subarray(at, at + ci), o);
          }
        }
}

function matMul(
  backend: KernelBackend,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): TensorInfo {
  const kernel = tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc;
  if (!kernel) throw new Error('model: the wasm backend has no BatchMatMul kernel');
  return kernel({ inputs: { a, b }, backend, attrs: { transposeA, transposeB } }) as TensorInfo;
}

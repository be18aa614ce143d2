import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, KernelFunc } from '@tensorflow/tfjs';
import { overrideKernel } from './kernel-overrides.js';
import type { TensorMemory } from './tensor-memory.js';

type PoolArgs = Parameters<typeof tf.backend_util.computePool2DInfo>;

/**
 * MaxPool's gradient on wasm in one JavaScript pass: each output's gradient goes to the first
 * largest input of its window (as TF.js's cpu kernel picks it). The stock wasm kernel is several
 * times slower (docs/benchmarks.md), and its gradients disagree with the cpu
 * kernel's (kernel-cases.ts). `memory` reaches the tensors, as for the conv gradients.
 */
export function installWasmMaxPoolGrad(memory: (backend: KernelBackend) => TensorMemory): void {
  overrideKernel('MaxPoolGrad', 'wasm', () => maxPoolGrad(memory));
}

const maxPoolGrad =
  (memoryOf: (backend: KernelBackend) => TensorMemory): KernelFunc =>
  ({ inputs, backend, attrs = {} }) => {
    const memory = memoryOf(backend as KernelBackend);
    const { dy, input } = inputs;
    if (!dy || !input) throw new Error('model: MaxPoolGrad needs dy and input');
    const info = tf.backend_util.computePool2DInfo(
      input.shape as PoolArgs[0],
      attrs.filterSize as PoolArgs[1],
      attrs.strides as PoolArgs[2],
      1,
      attrs.pad as PoolArgs[4],
      attrs.dimRoundingMode as PoolArgs[5],
    );
    const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
    const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
    const { top, left } = info.padInfo;
    const dx = memory.zeros(input.shape);
    // On the heap these are one array at three offsets; on copies, three arrays.
    const { array: xs, start: x } = memory.read(input);
    const { array: gs, start: g } = memory.read(dy);
    const { array: outs, start: out } = dx.values();
    if (
      fh === 2 &&
      fw === 2 &&
      sh === 2 &&
      sw === 2 &&
      top === 0 &&
      left === 0 &&
      oh * 2 <= h &&
      ow * 2 <= w
    ) {
      // The usual 2x2 pool, stride 2, no padding: four fixed offsets, channels innermost.
      const row = w * c;
      for (let img = 0; img < n; img++)
        for (let oy = 0; oy < oh; oy++)
          for (let ox = 0; ox < ow; ox++) {
            const cell = ((img * h + 2 * oy) * w + 2 * ox) * c;
            const grad = g + ((img * oh + oy) * ow + ox) * c;
            for (let ch = 0; ch < c; ch++) {
              const a = cell + ch;
              let best = a;
              if (xs[x + a + c]! > xs[x + best]!) best = a + c;
              if (xs[x + a + row]! > xs[x + best]!) best = a + row;
              if (xs[x + a + row + c]! > xs[x + best]!) best = a + row + c;
              outs[out + best]! += gs[grad + ch]!;
            }
          }
      return dx.done();
    }
    for (let img = 0; img < n; img++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++)
          for (let ch = 0; ch < c; ch++) {
            let best = -1;
            let max = Number.NEGATIVE_INFINITY;
            for (let ky = 0; ky < fh; ky++) {
              const iy = oy * sh - top + ky;
              if (iy < 0 || iy >= h) continue;
              for (let kx = 0; kx < fw; kx++) {
                const ix = ox * sw - left + kx;
                if (ix < 0 || ix >= w) continue;
                const at = ((img * h + iy) * w + ix) * c + ch;
                const v = xs[x + at]!;
                if (v > max || best < 0) {
                  max = v;
                  best = at;
                }
              }
            }
            if (best >= 0) outs[out + best]! += gs[g + ((img * oh + oy) * ow + ox) * c + ch]!;
          }
    return dx.done();
  };

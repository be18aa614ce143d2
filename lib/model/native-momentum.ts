import * as tf from '@tensorflow/tfjs';
import { heapIndex, type WasmBackend } from './wasm-heap.js';

/** The addon's fused momentum step (native/gemm.c). */
export interface MomentumAddon {
  momentum(
    heap: Float32Array,
    w: number,
    acc: number,
    g: number,
    n: number,
    momentum: number,
    c: number,
    l2: number,
    nesterov: number,
  ): void;
}

/** A variable, its gradient and the L2 factor its step adds (w * l2) to that gradient (0: none). */
export interface VariableUpdate {
  readonly variable: tf.Variable;
  readonly gradient: tf.Tensor;
  readonly l2: number;
}

/** TF.js's MomentumOptimizer state, private there: slot i belongs to the i-th gradient applied. */
interface MomentumState {
  accumulations: { originalName: string; variable: tf.Variable }[];
  incrementIterations(): void;
}

let addon: MomentumAddon | undefined;

/** Called by the backend setup: the native addon when it loaded and the heap can be reached, else undefined. */
export function installNativeMomentum(a: MomentumAddon | undefined): void {
  addon = a;
}

/**
 * Applies one optimizer step. A momentum optimizer (SGD with momentum or Nesterov, the mlp's) on
 * the wasm backend with the native addon loaded takes one fused pass per variable, in place, with
 * the same bits as TF.js's own step and the same state object (its accumulations, which
 * checkpoints save); anything else adds the L2 terms as tensors and calls applyGradients.
 */
export function applyUpdates(optimizer: tf.Optimizer, updates: readonly VariableUpdate[]): void {
  const backend = tf.backend() as unknown as WasmBackend;
  if (addon && optimizer instanceof tf.MomentumOptimizer && tf.getBackend() === 'wasm') {
    const { learningRate, momentum, useNesterov } = optimizer.getConfig() as {
      learningRate: number;
      momentum: number;
      useNesterov: boolean;
    };
    const state = optimizer as unknown as MomentumState;
    updates.forEach(({ variable, gradient, l2 }, i) => {
      if (gradient.dtype !== 'float32' || gradient.size !== variable.size)
        throw new Error(`model: gradient of ${variable.name} does not match it`);
      state.accumulations[i] ??= {
        originalName: `${variable.name}/momentum`,
        variable: tf.tidy(() => tf.zerosLike(variable).variable(false)),
      };
      ownData(backend, variable);
      ownData(backend, state.accumulations[i].variable);
      addon!.momentum(
        backend.wasm.HEAPF32,
        heapIndex(backend, variable),
        heapIndex(backend, state.accumulations[i].variable),
        heapIndex(backend, gradient),
        variable.size,
        momentum,
        -learningRate,
        l2,
        useNesterov ? 1 : 0,
      );
    });
    state.incrementIterations();
    return;
  }
  optimizer.applyGradients(
    updates.map(({ variable, gradient, l2 }) => ({
      name: variable.name,
      tensor: l2 > 0 ? tf.add(gradient, tf.mul(variable, l2)) : gradient,
    })),
  );
}

/**
 * Writing in place needs a variable to be the only holder of its data: assign() and tf.variable()
 * share the data of the tensor they were given (a loaded checkpoint's, say). x * 1 is an exact copy.
 */
function ownData(backend: WasmBackend, v: tf.Variable): void {
  if (backend.refCount(v.dataId) > 1) tf.tidy(() => v.assign(tf.mul(v, 1)));
}

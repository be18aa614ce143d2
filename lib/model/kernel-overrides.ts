import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';

/**
 * Kernels we replace or add on a backend, and the stock ones they replaced: overrides stack (the
 * native GEMM falls back to the fixed wasm kernel, which falls back to the stock one), and a
 * benchmark can switch back to stock TensorFlow.js for its baseline.
 */
const stock = new Map<string, KernelConfig | undefined>();
const current = new Map<string, KernelConfig>();

const key = (name: string, backend: string) => `${backend}/${name}`;

/** Registers `make(previous)` as kernel `name` of `backend`; previous is undefined when none exists. */
export function overrideKernel(
  name: string,
  backend: string,
  make: (previous: KernelFunc | undefined) => KernelFunc,
): void {
  const k = key(name, backend);
  const previous = tf.getKernel(name, backend);
  if (!stock.has(k)) stock.set(k, previous);
  const config: KernelConfig = {
    ...previous,
    kernelName: name,
    backendName: backend,
    kernelFunc: make(previous?.kernelFunc),
  };
  if (previous) tf.unregisterKernel(name, backend);
  tf.registerKernel(config);
  current.set(k, config);
}

/**
 * Puts the stock TensorFlow.js kernels back (for a baseline measured in the same run) and returns
 * the function that re-installs ours.
 */
export function useStockKernels(): () => void {
  const swap = (configs: ReadonlyMap<string, KernelConfig | undefined>) => {
    for (const [k, config] of configs) {
      const [backend = '', name = ''] = k.split('/');
      if (tf.getKernel(name, backend)) tf.unregisterKernel(name, backend);
      if (config) tf.registerKernel(config);
    }
  };
  const ours = new Map(current);
  swap(stock);
  return () => swap(ours);
}

import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { overrideKernel } from './kernel-overrides.js';
import type { MomentumAddon } from './native-momentum.js';
import { GEMM_ADDON, loadAddon } from '../native/addons.js';
import { cpuFlags, openblasCoreFor } from './native/openblas-core.js';
import { heapIndex, type WasmBackend } from './wasm-heap.js';

/** The addon built from native/gemm.c. */
interface GemmAddon extends MomentumAddon {
  gemm(
    heap: Float32Array,
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    a: number,
    b: number,
    c: number,
    bias: number,
    relu: number,
  ): void;
  setThreads(threads: number): void;
  describe(): { config: string; core: string };
}

export interface NativeGemmInfo {
  /** e.g. `OpenBLAS 0.3.21 ... Haswell`, for the model card. */
  readonly description: string;
}

/**
 * Loads the native GEMM when it was built (lib/native/build.ts) and IMAGELAKE_NATIVE_GEMM is
 * not `off`; returns why not otherwise. OpenBLAS multiplies the mlp's products
 * several times faster than XNNPACK in wasm (figures: docs/benchmarks.md).
 */
export function loadNativeGemm(env: NodeJS.ProcessEnv = process.env): GemmAddon | { reason: string } {
  const setting = (env.IMAGELAKE_NATIVE_GEMM ?? 'auto').toLowerCase();
  if (setting === 'off' || setting === '0' || setting === 'false')
    return { reason: 'IMAGELAKE_NATIVE_GEMM=off' };
  // OpenBLAS reads OPENBLAS_CORETYPE from the process's environment once, when it loads; a
  // value set by the user stands.
  const core = process.env.OPENBLAS_CORETYPE ? undefined : openblasCoreFor(cpuFlags());
  if (core) process.env.OPENBLAS_CORETYPE = core;
  return loadAddon<GemmAddon>(GEMM_ADDON);
}

/**
 * Makes the wasm backend's matrix products run in OpenBLAS on the tensors where they lie in the
 * wasm heap (no copies). One thread: the same numbers on every run (and two threads measured
 * slower on these sizes on a shared 2-core machine). Batched products, PReLU and other fused
 * activations fall back to the wasm kernels. The CPU kernels come from OPENBLAS_CORETYPE, set
 * by loadNativeGemm from the CPU's flags unless the user set it: the choice changes the last
 * bits, so the card records it.
 */
export function installNativeGemm(addon: GemmAddon): NativeGemmInfo {
  addon.setThreads(1);
  const native =
    (fallback: KernelFunc): KernelFunc =>
    (args) => {
      const { a, b, bias, preluActivationWeights } = args.inputs;
      const attrs = args.attrs ?? {};
      const activation = (attrs.activation as string | undefined) ?? 'linear';
      if (!a || !b || preluActivationWeights || (activation !== 'linear' && activation !== 'relu'))
        return fallback(args);
      if (a.dtype !== 'float32' || b.dtype !== 'float32' || !singleMatrix(a) || !singleMatrix(b))
        return fallback(args);
      const [ar, br] = [a.shape.length, b.shape.length];
      const m = attrs.transposeA ? a.shape[ar - 1]! : a.shape[ar - 2]!;
      const k = attrs.transposeA ? a.shape[ar - 2]! : a.shape[ar - 1]!;
      const kb = attrs.transposeB ? b.shape[br - 1]! : b.shape[br - 2]!;
      const n = attrs.transposeB ? b.shape[br - 2]! : b.shape[br - 1]!;
      if (k !== kb || (bias && (bias.shape.length !== 1 || bias.shape[0] !== n))) return fallback(args);
      const backend = args.backend as WasmBackend;
      // The stock kernels' output shape: the broadcast batch dimensions (all 1 here), then m x n.
      const outer = Math.max(ar, br) - 2;
      const out: TensorInfo = backend.makeOutput([...Array<number>(outer).fill(1), m, n], 'float32');
      addon.gemm(
        backend.wasm.HEAPF32, // after makeOutput, which may have grown the heap
        attrs.transposeA ? 1 : 0,
        attrs.transposeB ? 1 : 0,
        m,
        n,
        k,
        heapIndex(backend, a),
        heapIndex(backend, b),
        heapIndex(backend, out),
        bias ? heapIndex(backend, bias) : -1,
        activation === 'relu' ? 1 : 0,
      );
      return out;
    };
  for (const name of ['BatchMatMul', '_FusedMatMul'])
    overrideKernel(name, 'wasm', (fallback) => {
      if (!fallback) throw new Error(`model: the wasm backend has no ${name} kernel`);
      return native(fallback);
    });
  const { config, core } = addon.describe();
  return { description: `${config} (${core} kernels, 1 thread)` };
}

function singleMatrix(t: TensorInfo): boolean {
  return t.shape.length >= 2 && t.shape.slice(0, -2).every((d) => d === 1);
}

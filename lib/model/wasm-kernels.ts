import type { KernelBackend } from '@tensorflow/tfjs';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { installNativeGemm, loadNativeGemm } from './native-gemm.js';
import { installNativeMomentum } from './native-momentum.js';
import { copyMemory, heapMemory } from './tensor-memory.js';
import { installWasmConvGrads } from './wasm-conv-grads.js';
import { missingWasmInternals, type WasmBackend } from './wasm-heap.js';
import { installWasmMatMulFix } from './wasm-matmul.js';
import { installWasmMaxPoolGrad } from './wasm-pool-grad.js';

/** What installWasmKernels put in place, for the backend's versions. */
export interface WasmKernels {
  /** What multiplies matrices: `xnnpack` or the native GEMM's description. */
  readonly gemm: string;
  /** `stock` when the backend's internals were missing and its own kernels serve. */
  readonly kernels?: 'stock';
}

/**
 * Installs our kernels on the started wasm backend. The matMul fix uses public API only. The
 * others reach tensors in the wasm heap through internals of tfjs-backend-wasm (wasm-heap.ts);
 * when missingWasmInternals finds any of them gone or changed (an upgrade), the native GEMM and
 * momentum stay out and the stock kernels multiply, with a notice, also emitted as a process
 * warning; the conv and max-pool gradients, which the stock backend lacks or gets wrong, then
 * run on copies through its public API.
 */
export function installWasmKernels(
  backend: object,
  notices: string[],
  env: NodeJS.ProcessEnv = process.env,
): WasmKernels {
  installWasmMatMulFix();
  const missing = missingWasmInternals(backend);
  if (missing.length > 0) {
    const notice = `model: tfjs-backend-wasm ${version_wasm} lacks internals our kernels use (${missing.join(', ')}); its stock kernels run instead, slower`;
    process.emitWarning(notice);
    notices.push(notice);
    installWasmConvGrads(copyMemory);
    installWasmMaxPoolGrad(copyMemory);
    installNativeMomentum(undefined);
    return { gemm: 'xnnpack', kernels: 'stock' };
  }
  const heap = (b: KernelBackend) => heapMemory(b as unknown as WasmBackend);
  installWasmConvGrads(heap);
  installWasmMaxPoolGrad(heap);
  const addon = loadNativeGemm(env);
  if ('reason' in addon) {
    notices.push(`native GEMM not in use: ${addon.reason}`);
    installNativeMomentum(undefined);
    return { gemm: 'xnnpack' };
  }
  const gemm = installNativeGemm(addon);
  installNativeMomentum(addon);
  return { gemm: gemm.description };
}

import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { installWasmKernels } from './wasm-kernels.js';

export interface BackendInfo {
  /**
   * The TF.js backend: `tensorflow` (tfjs-node), `wasm`, or `cpu` (plain JavaScript, only when wasm
   * could not start). Identical weights for a seed are promised only for the same backend and
   * `versions.gemm`: XNNPACK and OpenBLAS round differently.
   */
  readonly name: string;
  /** Library versions and settings for the model card; `gemm` names what multiplies matrices. */
  readonly versions: Readonly<Record<string, string>>;
  /**
   * Why a faster path is not in use (tfjs-node missing, native GEMM not built, the wasm backend's
   * internals changed, wasm failed).
   */
  readonly notices: readonly string[];
}

let ready: Promise<BackendInfo> | undefined;

/**
 * Picks the TensorFlow.js backend once per process: tfjs-node when installed (native TensorFlow),
 * else the WebAssembly backend (its .wasm files ship in its npm package) with our kernel fixes,
 * its matrix products in OpenBLAS when the optional native GEMM is built (wasm-kernels.ts: the
 * stock kernels, with a warning, when the backend's internals they use are missing); the plain
 * JavaScript `cpu` backend only when wasm does not start, with a warning (it is many times slower).
 */
export function initBackend(): Promise<BackendInfo> {
  ready ??= choose();
  return ready;
}

async function choose(): Promise<BackendInfo> {
  const notices: string[] = [];
  const nodeBackend = '@tensorflow/tfjs-node'; // a variable: optional, not resolved at build time
  try {
    await import(nodeBackend);
    if (await tf.setBackend('tensorflow')) {
      await tf.ready();
      return {
        name: 'tensorflow',
        versions: versions({ 'tfjs-node': packageVersion(nodeBackend) }),
        notices,
      };
    }
    notices.push('tfjs-node is installed but its backend did not start');
  } catch {
    // It downloads libtensorflow when installed, which this machine cannot: the usual case.
    notices.push('tfjs-node is not installed');
  }
  try {
    return await wasm(notices);
  } catch (error) {
    const notice = `model: the wasm backend did not start (${(error as Error).message}); training falls back to the cpu backend, about 10x slower`;
    process.emitWarning(notice);
    if (!(await tf.setBackend('cpu'))) throw new Error('model: neither the wasm nor the cpu backend started');
    return { name: 'cpu', versions: versions({}), notices: [...notices, notice] };
  }
}

async function wasm(notices: string[]): Promise<BackendInfo> {
  const pkg = '@tensorflow/tfjs-backend-wasm';
  setWasmPaths(`${join(dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`)), 'dist')}/`);
  if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
  await tf.ready();
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  // Its threaded build starts browser Workers from blob: URLs, which Node refuses (tfjs issue
  // 3830), so tfjs keeps WASM_HAS_MULTITHREAD_SUPPORT false in Node: one thread.
  const threads = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) ? 'multi' : '1';
  const kernels = installWasmKernels(tf.backend(), notices);
  return {
    name: 'wasm',
    versions: versions({ [pkg]: packageVersion(pkg), simd: String(simd), threads, ...kernels }),
    notices,
  };
}

function versions(extra: Record<string, string>): Record<string, string> {
  return { tfjs: tf.version.tfjs, node: process.versions.node, ...extra };
}

function packageVersion(name: string): string {
  try {
    return (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

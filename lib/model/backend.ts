import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface BackendInfo {
  /** `tensorflow` (tfjs-node) or `wasm`. */
  readonly name: string;
  readonly versions: Readonly<Record<string, string>>;
}

let ready: Promise<BackendInfo> | undefined;

/**
 * Picks the TensorFlow.js backend once per process: tfjs-node when it is installed (native
 * TensorFlow), else the WebAssembly backend whose .wasm files ship inside its npm package.
 * Same seed and data give the same weights only on the same backend.
 */
export function initBackend(): Promise<BackendInfo> {
  ready ??= choose();
  return ready;
}

async function choose(): Promise<BackendInfo> {
  const nodeBackend = '@tensorflow/tfjs-node';
  try {
    await import(nodeBackend);
    if (await tf.setBackend('tensorflow')) return info('tensorflow');
  } catch {
    // not installed (it downloads libtensorflow at install time, which this machine cannot): use wasm
  }
  const require = createRequire(import.meta.url);
  setWasmPaths(`${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`);
  if (!(await tf.setBackend('wasm'))) throw new Error('model: the TensorFlow.js wasm backend did not start');
  await tf.ready();
  return info('wasm');
}

function info(name: string): BackendInfo {
  return { name, versions: { tfjs: tf.version.tfjs, backend: name } };
}

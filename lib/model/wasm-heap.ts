import type { DataId, DataType, KernelBackend, TensorInfo } from '@tensorflow/tfjs';

/**
 * The members of tfjs-backend-wasm's BackendWasm that our kernels use: tensors live in the
 * WebAssembly heap at an offset. `wasm.HEAPF32`, `dataIdMap` and `makeOutput` are internals (the
 * package's own kernels use them, its API does not promise them): missingWasmInternals checks
 * them when the backend starts. refCount and disposeData are public.
 */
export interface WasmBackend {
  readonly wasm: { readonly HEAPF32: Float32Array };
  readonly dataIdMap: { get(dataId: DataId): { readonly memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  disposeData(dataId: DataId): boolean;
  /** Tensors sharing the data (assign and tf.variable share it rather than copy). */
  refCount(dataId: DataId): number;
}

/** Index of a float32 tensor's first value in HEAPF32. */
export function heapIndex(backend: WasmBackend, t: TensorInfo): number {
  const data = backend.dataIdMap.get(t.dataId);
  if (!data) throw new Error('model: a tensor has no data on the wasm heap');
  return data.memoryOffset >>> 2;
}

/**
 * A view of a float32 tensor on the heap. Take it after every allocation of the step: a growing
 * heap replaces the buffer and leaves older views detached.
 */
export function heapView(backend: WasmBackend, t: TensorInfo): Float32Array {
  const start = heapIndex(backend, t);
  let size = 1;
  for (const d of t.shape) size *= d;
  return backend.wasm.HEAPF32.subarray(start, start + size);
}

const PROBE = [1.5, -2, 3.25, 4096];

/**
 * What of WasmBackend a backend lacks or no longer means as our kernels use it, each named; empty
 * when all is there. Beyond their presence, a probe writes a tensor's values through HEAPF32 at
 * its memoryOffset and reads them back through the public readSync, so a change of layout counts
 * as missing too.
 */
export function missingWasmInternals(backend: object): string[] {
  const b = backend as Partial<Record<'wasm' | 'dataIdMap' | 'makeOutput', unknown>>;
  const missing: string[] = [];
  if (!((b.wasm as { HEAPF32?: unknown } | undefined)?.HEAPF32 instanceof Float32Array))
    missing.push('wasm.HEAPF32');
  if (typeof (b.dataIdMap as { get?: unknown } | undefined)?.get !== 'function')
    missing.push('dataIdMap.get');
  if (typeof b.makeOutput !== 'function') missing.push('makeOutput');
  if (missing.length > 0) return missing;
  const wasm = backend as WasmBackend & Pick<KernelBackend, 'readSync'>;
  let probe: TensorInfo | undefined;
  try {
    probe = wasm.makeOutput([PROBE.length], 'float32');
    const offset = wasm.dataIdMap.get(probe.dataId)?.memoryOffset;
    if (typeof offset !== 'number') return ['dataIdMap entries with a memoryOffset'];
    wasm.wasm.HEAPF32.set(PROBE, offset >>> 2);
    const back = wasm.readSync(probe.dataId);
    if (!PROBE.every((v, i) => back[i] === v))
      return ['memoryOffset as the byte offset of a tensor in HEAPF32'];
    return [];
  } catch (error) {
    return [`a tensor written through the heap (${(error as Error).message})`];
  } finally {
    if (probe) wasm.disposeData(probe.dataId);
  }
}

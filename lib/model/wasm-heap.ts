import type { DataId, DataType, TensorInfo } from '@tensorflow/tfjs';

/**
 * The members of tfjs-backend-wasm's BackendWasm that our kernels use (public in its class; the
 * package's own kernels use them the same way): tensors live in the WebAssembly heap at an offset.
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

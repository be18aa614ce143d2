import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs';
import { heapIndex, type WasmBackend } from './wasm-heap.js';

/** A tensor's float32 values: an array and the index of the tensor's first value in it. */
export interface Values {
  readonly array: Float32Array;
  readonly start: number;
}

/** A new float32 tensor of zeros being filled: its values, then the tensor once filled. */
export interface NewTensor {
  /** Take it after the kernel's other allocations: on the heap they can move the values. */
  values(): Values;
  done(): TensorInfo;
}

/**
 * How a kernel written in JavaScript reaches tensor values: in place on the wasm heap (through
 * the backend's internals, no copy), or through the public readSync and write of any backend (a
 * copy each way), which is what is left when an upgrade of tfjs-backend-wasm changes those
 * internals.
 */
export interface TensorMemory {
  /** A tensor's values, to read (in place on the heap: take it after the kernel's allocations). */
  read(t: TensorInfo): Values;
  zeros(shape: readonly number[]): NewTensor;
}

export function heapMemory(backend: WasmBackend): TensorMemory {
  return {
    read: (t) => ({ array: backend.wasm.HEAPF32, start: heapIndex(backend, t) }),
    zeros(shape) {
      const out = backend.makeOutput([...shape], 'float32');
      const start = heapIndex(backend, out);
      backend.wasm.HEAPF32.fill(0, start, start + size(shape));
      return { values: () => ({ array: backend.wasm.HEAPF32, start }), done: () => out };
    },
  };
}

export function copyMemory(backend: KernelBackend): TensorMemory {
  return {
    read(t) {
      const values = backend.readSync(t.dataId);
      if (!(values instanceof Float32Array))
        throw new Error(`model: expected a float32 tensor, got ${t.dtype} of shape [${t.shape.join(', ')}]`);
      return { array: values, start: 0 };
    },
    zeros(shape) {
      const array = new Float32Array(size(shape));
      return {
        values: () => ({ array, start: 0 }),
        done: () => ({
          dataId: backend.write(array, [...shape], 'float32'),
          shape: [...shape],
          dtype: 'float32',
        }),
      };
    },
  };
}

function size(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

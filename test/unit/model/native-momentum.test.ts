import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../../../lib/model/index.js';
import { applyUpdates } from '../../../lib/model/native-momentum.js';
import { loadNativeGemm } from '../../../lib/model/native-gemm.js';

let info: BackendInfo;
beforeAll(async () => {
  info = await initBackend();
});

const bits = (t: tf.Tensor) => [...new Uint32Array((t.dataSync() as Float32Array).slice().buffer)];
const values = (n: number, seed: number) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed * 78.233) * 0.5);

describe('the momentum step (fused and native when the addon is built)', () => {
  it.each([
    ['Nesterov', true],
    ['classic momentum', false],
  ] as const)(
    '%s: the same bits and optimizer state as TF.js applyGradients, step after step',
    async (_name, nesterov) => {
      const shapes: number[][] = [[64, 32], [32]];
      const l2s = [3e-5, 0];
      const make = () =>
        shapes.map((s, i) =>
          tf.tidy(() =>
            tf.variable(
              tf.tensor(
                values(
                  s.reduce((a, b) => a * b),
                  i,
                ),
                [...s],
              ),
            ),
          ),
        );
      const ours = make();
      const theirs = make();
      const optimizers = [tf.train.momentum(0.006, 0.98, nesterov), tf.train.momentum(0.006, 0.98, nesterov)];
      const native = info.versions.gemm?.startsWith('OpenBLAS') ?? false;
      for (let step = 0; step < 5; step++) {
        const grads = shapes.map((s, i) =>
          tf.tensor(
            values(
              s.reduce((a, b) => a * b),
              100 + step * 7 + i,
            ),
            [...s],
          ),
        );
        const before = ours.map((v) => v.dataId);
        tf.tidy(() =>
          applyUpdates(
            optimizers[0]!,
            ours.map((variable, i) => ({ variable, gradient: grads[i]!, l2: l2s[i]! })),
          ),
        );
        // in place when native (the dataId stays), through assign otherwise
        expect(ours.map((v, i) => v.dataId === before[i])).toEqual([native, native]);
        tf.tidy(() =>
          optimizers[1]!.applyGradients(
            theirs.map((v, i) => ({
              name: v.name,
              tensor: l2s[i]! > 0 ? tf.add(grads[i]!, tf.mul(v, l2s[i]!)) : grads[i]!,
            })),
          ),
        );
        ours.forEach((v, i) => expect(bits(v)).toEqual(bits(theirs[i]!)));
        tf.dispose(grads);
      }
      const a = await optimizers[0]!.getWeights();
      const b = await optimizers[1]!.getWeights();
      const kind = (name: string) => name.replace(/\d+/g, '#'); // variable ids differ between the two sets
      expect(a.map((w) => kind(w.name))).toEqual(b.map((w) => kind(w.name)));
      a.forEach((w, i) => expect(bits(w.tensor)).toEqual(bits(b[i]!.tensor)));
      tf.dispose([...ours, ...theirs]);
      optimizers.forEach((o) => o.dispose());
    },
  );

  it('leaves the tensor a variable was made from as it was (a shared buffer is copied first)', () => {
    const loaded = tf.tensor(values(100, 1), [10, 10]);
    const variable = tf.variable(loaded); // shares loaded's data
    const optimizer = tf.train.momentum(0.1, 0.9, true);
    const gradient = tf.ones([10, 10]);
    applyUpdates(optimizer, [{ variable, gradient, l2: 0 }]);
    expect([...loaded.dataSync()]).toEqual([...values(100, 1)]);
    expect(variable.dataSync()[0]).not.toBe(loaded.dataSync()[0]);
    tf.dispose([loaded, variable, gradient]);
    optimizer.dispose();
  });
});

describe('the native addon refuses calls that do not fit the heap', () => {
  it('checks argument counts, the heap type and every range before touching memory', () => {
    const addon = loadNativeGemm();
    if ('reason' in addon) {
      // Without the addon there is nothing native to check; training takes TF.js's own step.
      expect(info.versions.gemm).toBe('xnnpack');
      return;
    }
    const heap = new Float32Array(16);
    expect(() => addon.momentum(heap, 0, 0, 0, 17, 0.9, -0.1, 0, 1)).toThrow(
      /momentum: operand outside the heap/,
    );
    expect(() => addon.momentum(heap, -1, 0, 0, 4, 0.9, -0.1, 0, 1)).toThrow(/outside the heap/);
    expect(() => (addon.momentum as (...a: unknown[]) => void)(heap, 0, 0)).toThrow(/expected 9 arguments/);
    expect(() => addon.momentum(new Float64Array(4) as never, 0, 0, 0, 1, 0.9, -0.1, 0, 1)).toThrow(
      /expected a Float32Array heap/,
    );
    expect(() => addon.gemm(heap, 0, 0, 4, 4, 4, 0, 0, 4, -1, 0)).toThrow(/gemm: operand outside the heap/);
    expect(() => (addon.gemm as (...a: unknown[]) => void)(heap)).toThrow(/gemm: expected 11 arguments/);
    expect([...heap]).toEqual(Array(16).fill(0));
  });
});

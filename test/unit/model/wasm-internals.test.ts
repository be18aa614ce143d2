import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useStockKernels } from '../../../lib/model/kernel-overrides.js';
import {
  buildModel,
  createOptimizer,
  initBackend,
  resolveParams,
  trainEpoch,
  type BackendInfo,
} from '../../../lib/model/index.js';
import { missingWasmInternals } from '../../../lib/model/wasm-heap.js';
import { installWasmKernels, type WasmKernels } from '../../../lib/model/wasm-kernels.js';
import { reliability } from '../../reliability/tally.js';
import { fashionBatches, iterate } from './fixtures.js';
import { kernelCases } from './kernel-cases.js';

let info: BackendInfo;
beforeAll(async () => {
  info = await initBackend();
});

describe('the wasm backend internals our kernels use', () => {
  it('are all there on the real backend, so our kernels are in use', () => {
    expect(info.name).toBe('wasm');
    expect(missingWasmInternals(tf.backend())).toEqual([]);
    expect(info.versions.kernels).toBeUndefined();
    expect(info.notices.join('\n')).not.toMatch(/lacks internals/);
  });

  it('come from tfjs packages pinned to the exact version installed', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const tfjs = Object.entries(pkg.dependencies).filter(([name]) => name.startsWith('@tensorflow/'));
    expect(tfjs.map(([name]) => name).sort()).toEqual(['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm']);
    const require = createRequire(import.meta.url);
    for (const [name, range] of tfjs) {
      expect(range, name).toMatch(/^\d+\.\d+\.\d+$/);
      expect((require(`${name}/package.json`) as { version: string }).version, name).toBe(range);
    }
  });

  it.each<[string, object, string[]]>([
    ['no module', { dataIdMap: new Map(), makeOutput() {} }, ['wasm.HEAPF32']],
    ['HEAPF32 gone', { wasm: {}, dataIdMap: new Map(), makeOutput() {} }, ['wasm.HEAPF32']],
    [
      'HEAPF32 not floats',
      { wasm: { HEAPF32: new Uint8Array(8) }, makeOutput() {} },
      ['wasm.HEAPF32', 'dataIdMap.get'],
    ],
    ['no makeOutput', { wasm: { HEAPF32: new Float32Array(8) }, dataIdMap: new Map() }, ['makeOutput']],
    [
      'entries without memoryOffset',
      fakeBackend({ offsetName: 'offset' }),
      ['dataIdMap entries with a memoryOffset'],
    ],
    [
      'offsets in floats, not bytes',
      fakeBackend({ offsetScale: 1 }),
      ['memoryOffset as the byte offset of a tensor in HEAPF32'],
    ],
    [
      'a probe that throws',
      {
        ...fakeBackend({}),
        makeOutput: () => {
          throw new Error('out of memory');
        },
      },
      ['a tensor written through the heap (out of memory)'],
    ],
  ])('names what a changed backend lacks: %s', (_name, backend, missing) => {
    reliability('bad-input');
    expect(missingWasmInternals(backend)).toEqual(missing);
  });

  it('accepts a backend laid out as ours expects (the fake the cases above alter)', () => {
    const backend = fakeBackend({});
    expect(missingWasmInternals(backend)).toEqual([]);
    expect(backend.live()).toBe(0); // the probe tensor was disposed
  });
});

describe('a wasm backend that lost an internal (an upgrade removed HEAPF32)', () => {
  let kernels: WasmKernels;
  const notices: string[] = [];
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  let restoreOurs: (() => void) | undefined;
  let module: { HEAPF32?: Float32Array };
  let heap: PropertyDescriptor | undefined;

  beforeAll(() => {
    // The real backend instance, with our kernels taken out and one member removed, set up again
    // as at start-up.
    restoreOurs = useStockKernels();
    module = (tf.backend() as unknown as { wasm: { HEAPF32?: Float32Array } }).wasm;
    heap = Object.getOwnPropertyDescriptor(module, 'HEAPF32');
    delete module.HEAPF32;
    process.on('warning', onWarning);
    kernels = installWasmKernels(tf.backend(), notices);
  });

  afterAll(() => {
    process.off('warning', onWarning);
    if (heap) Object.defineProperty(module, 'HEAPF32', heap);
    restoreOurs?.();
  });

  it('falls back to the stock kernels and says so, in the notices and as a warning', async () => {
    reliability('fault');
    expect(kernels).toEqual({ gemm: 'xnnpack', kernels: 'stock' });
    const notice =
      /^model: tfjs-backend-wasm 4\.22\.0 lacks internals our kernels use \(wasm\.HEAPF32\); its stock kernels run instead, slower$/;
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(notice);
    await expect.poll(() => warnings).toContainEqual(expect.stringMatching(notice));
    // Stock wasm has no Conv2DBackpropFilter: ours, on copies (kernelCases below check all of them).
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it('still trains the mlp and the cnn', async () => {
    const batches = await fashionBatches(0, 512, 64);
    for (const arch of ['mlp', 'cnn'] as const) {
      const p = resolveParams(arch, {});
      const model = buildModel(arch, { width: 28, height: 28, classes: 10 }, p.seed);
      const optimizer = createOptimizer(p);
      try {
        const first = await trainEpoch(model, optimizer, iterate(batches), 10, p.l2);
        const second = await trainEpoch(model, optimizer, iterate(batches), 10, p.l2);
        expect(second.loss, arch).toBeLessThan(first.loss);
      } finally {
        model.dispose();
        optimizer.dispose();
      }
    }
  });

  kernelCases();
});

/**
 * A backend shaped like BackendWasm over a small heap: offsetName and offsetScale alter how its
 * entries locate a tensor, as an upgrade could.
 */
function fakeBackend(options: { offsetName?: string; offsetScale?: number }) {
  const HEAPF32 = new Float32Array(64);
  const dataIdMap = new Map<object, Record<string, number>>();
  let next = 4;
  return {
    wasm: { HEAPF32 },
    dataIdMap,
    makeOutput(shape: number[]) {
      const dataId = {};
      dataIdMap.set(dataId, {
        [options.offsetName ?? 'memoryOffset']: next * (options.offsetScale ?? 4),
        index: next,
      });
      next += shape[0]!;
      return { dataId, shape, dtype: 'float32' };
    },
    readSync(dataId: object) {
      const index = dataIdMap.get(dataId)!.index!;
      return HEAPF32.slice(index, index + 4);
    },
    disposeData: (dataId: object) => dataIdMap.delete(dataId),
    live: () => dataIdMap.size,
  };
}

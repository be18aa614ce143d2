import * as tf from '@tensorflow/tfjs';
import {
  buildModel,
  createOptimizer,
  initBackend,
  resolveParams,
  trainEpoch,
} from '../../lib/model/index.js';
import { fashionBatches, iterate } from '../unit/model/fixtures.js';
import { figure, type Benchmark } from './harness.js';

const SAMPLES = 12_800;

/** Issue 5's throughput target: the mlp at batch 128 on real Fashion-MNIST, beside a plain model.fit. */
export const benchmark: Benchmark = {
  name: 'training throughput (mlp 784-500-100-10, batch 128)',
  issue: 5,
  async run() {
    const backend = await initBackend();
    const params = resolveParams('mlp', {});
    const batches = await fashionBatches(0, SAMPLES, params.batchSize);
    const model = buildModel('mlp', { width: 28, height: 28, classes: 10 }, params.seed);
    const optimizer = createOptimizer(params);
    await trainEpoch(model, optimizer, iterate(batches.slice(0, 5)), 10, params.l2); // warm-up
    const ours = await trainEpoch(model, optimizer, iterate(batches), 10, params.l2);

    const plain = buildModel('mlp', { width: 28, height: 28, classes: 10 }, params.seed);
    plain.compile({
      optimizer: tf.train.momentum(params.lr, params.momentum, true),
      loss: 'categoricalCrossentropy',
    });
    const x = tf.concat(batches.map((b) => tf.tensor2d(b.x, [b.n, 784])));
    const y = tf.oneHot(tf.tensor1d(Int32Array.from(batches.flatMap((b) => [...b.y])), 'int32'), 10);
    await plain.fit(x.slice(0, 640), y.slice(0, 640), { batchSize: 128, epochs: 1, verbose: 0 });
    const start = performance.now();
    await plain.fit(x, y, { batchSize: 128, epochs: 1, verbose: 0, shuffle: false });
    const fitPerSecond = SAMPLES / ((performance.now() - start) / 1000);
    for (const d of [x, y, model, plain, optimizer]) d.dispose();
    return [
      figure({
        name: `mlp training, ${backend.name} backend`,
        value: ours.samples / ours.seconds,
        unit: 'samples/s',
        baseline: { name: 'plain tfjs model.fit on the same backend', value: fitPerSecond },
        target: { op: '>=', value: 15_000 },
        note: 'custom loop with L2 and Nesterov momentum; the time is in the wasm matMul kernels (no native BLAS here)',
      }),
    ];
  },
};

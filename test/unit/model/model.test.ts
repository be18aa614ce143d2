import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildModel,
  createOptimizer,
  DivergedError,
  evaluateBatches,
  initBackend,
  loadModel,
  predictProbabilities,
  resolveParams,
  restoreOptimizer,
  saveModelArtifacts,
  saveOptimizer,
  trainEpoch,
  type Arch,
  type LabeledBatch,
  type TrainParams,
} from '../../../lib/model/index.js';
import { fashionBatches, iterate } from './fixtures.js';

const shape = { width: 28, height: 28, classes: 10 };
let train: LabeledBatch[];
let heldOut: LabeledBatch[];

beforeAll(async () => {
  await initBackend();
  train = await fashionBatches(0, 3072, 128);
  heldOut = await fashionBatches(50_000, 1000, 500);
});

async function trained(arch: Arch, params: TrainParams, epochs: number, batches = train) {
  const model = buildModel(arch, shape, params.seed);
  const optimizer = createOptimizer(params);
  const results = [];
  for (let e = 0; e < epochs; e++)
    results.push(await trainEpoch(model, optimizer, iterate(batches), 10, params.l2));
  return { model, optimizer, results };
}

/** Disposes models and optimizers (tf.dispose takes tensors only). */
const dispose = (...items: { dispose(): unknown }[]) => items.forEach((i) => i.dispose());

const weightBytes = async (m: tf.LayersModel) => Buffer.from((await saveModelArtifacts(m)).weights);

describe('training on real Fashion-MNIST', () => {
  it('the mlp learns: held-out accuracy well above chance after two short epochs', async () => {
    const { model, optimizer, results } = await trained('mlp', resolveParams('mlp', {}), 2);
    const v = await evaluateBatches(model, iterate(heldOut), 10);
    expect(v.accuracy).toBeGreaterThan(0.6);
    expect(results[1]!.loss).toBeLessThan(results[0]!.loss);
    expect(results[1]!.samples).toBe(3072);
    expect(results[1]!.samplesPerSecond).toBeGreaterThan(0);
    dispose(model, optimizer);
  });

  it('the cnn learns too (conv gradients on wasm)', async () => {
    const p = resolveParams('cnn', {});
    const { model, optimizer } = await trained('cnn', p, 1, train.slice(0, 16));
    expect((await evaluateBatches(model, iterate(heldOut), 10)).accuracy).toBeGreaterThan(0.5);
    dispose(model, optimizer);
  });

  it('is deterministic: same seed and batches give identical weights and metrics; another seed differs', async () => {
    const p = resolveParams('mlp', {});
    const a = await trained('mlp', p, 1);
    const b = await trained('mlp', p, 1);
    const c = await trained('mlp', { ...p, seed: 7 }, 1);
    expect((await weightBytes(a.model)).equals(await weightBytes(b.model))).toBe(true);
    expect(a.results[0]!.loss).toBe(b.results[0]!.loss);
    expect(a.results[0]!.accuracy).toBe(b.results[0]!.accuracy);
    expect((await weightBytes(a.model)).equals(await weightBytes(c.model))).toBe(false);
    for (const t of [a, b, c]) dispose(t.model, t.optimizer);
  });

  it.each<Arch>(['mlp', 'cnn'])(
    '%s: disposes its tensors, the count stays flat across epochs',
    async (arch) => {
      const p = resolveParams(arch, {});
      const model = buildModel(arch, shape, p.seed);
      const optimizer = createOptimizer(p);
      const few = train.slice(0, 3);
      await trainEpoch(model, optimizer, iterate(few), 10, p.l2);
      const after1 = tf.memory().numTensors;
      for (let e = 0; e < 3; e++) await trainEpoch(model, optimizer, iterate(few), 10, p.l2);
      await evaluateBatches(model, iterate(heldOut.slice(0, 1)), 10);
      predictProbabilities(model, heldOut[0]!);
      expect(tf.memory().numTensors).toBe(after1);
      dispose(model, optimizer);
    },
  );

  it('round-trips through bytes: same predictions, same bytes again', async () => {
    const { model, optimizer } = await trained('mlp', resolveParams('mlp', {}), 1, train.slice(0, 4));
    const saved = await saveModelArtifacts(model);
    const loaded = await loadModel(saved.modelJson, saved.weights);
    expect(predictProbabilities(loaded, heldOut[0]!)).toEqual(predictProbabilities(model, heldOut[0]!));
    expect(Buffer.from((await saveModelArtifacts(loaded)).weights).equals(Buffer.from(saved.weights))).toBe(
      true,
    );
    const again = await loadModel(saved); // the { modelJson, weights } form activities use
    expect(predictProbabilities(again, heldOut[0]!)).toEqual(predictProbabilities(model, heldOut[0]!));
    await expect(loadModel(saved.modelJson, saved.weights.subarray(8))).rejects.toThrow(/weights file has/);
    dispose(model, optimizer, loaded, again);
  });

  it.each<[Arch, number]>([
    ['mlp', 8],
    ['cnn', 4],
  ])('%s: a checkpoint (weights + optimizer state) resumes bit-identically', async (arch, count) => {
    const p = resolveParams(arch, {});
    const batches = train.slice(0, count);
    const straight = await trained(arch, p, 2, batches);
    const first = await trained(arch, p, 1, batches);
    const artifacts = await saveModelArtifacts(first.model);
    const state = await saveOptimizer(first.optimizer);
    const resumed = await loadModel(artifacts.modelJson, artifacts.weights);
    const optimizer = createOptimizer(p);
    await restoreOptimizer(optimizer, state);
    const epoch2 = await trainEpoch(resumed, optimizer, iterate(batches), 10, p.l2);
    expect(epoch2.loss).toBe(straight.results[1]!.loss);
    expect((await weightBytes(resumed)).equals(await weightBytes(straight.model))).toBe(true);
    dispose(straight.model, straight.optimizer, first.model, first.optimizer, resumed, optimizer);
  });

  it('reports a diverging learning rate as DivergedError and keeps no tensors', async () => {
    const before = tf.memory().numTensors;
    const p = resolveParams('mlp', { lr: 1e6, momentum: 0.99 });
    const model = buildModel('mlp', shape, p.seed);
    const optimizer = createOptimizer(p);
    const during = tf.memory().numTensors;
    await expect(trainEpoch(model, optimizer, iterate(train), 10, p.l2)).rejects.toBeInstanceOf(
      DivergedError,
    );
    dispose(model, optimizer);
    expect(during).toBeGreaterThan(before);
    // TF.js's MomentumOptimizer.dispose() leaves its learning-rate scalar behind: one tensor.
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before + 1);
  });
});

describe('bad input', () => {
  it('refuses an image size the network cannot take, unlabeled images and an empty epoch', async () => {
    const p = resolveParams('mlp', {});
    const model = buildModel('mlp', { width: 10, height: 10, classes: 10 }, 1);
    const optimizer = createOptimizer(p);
    await expect(trainEpoch(model, optimizer, iterate(train.slice(0, 1)), 10, 0)).rejects.toThrow(
      /takes 100 values per image, got 784/,
    );
    const unlabeled = { x: new Float32Array(200), y: Int32Array.from([-1, 1]), n: 2 };
    await expect(trainEpoch(model, optimizer, [unlabeled], 10, 0)).rejects.toThrow(/label -1 of image 0/);
    await expect(trainEpoch(model, optimizer, [], 10, 0)).rejects.toThrow(/no training batches/);
    dispose(model, optimizer);
  });

  it('refuses an image size the cnn cannot take and a single class', () => {
    expect(() => buildModel('cnn', { width: 8, height: 8, classes: 10 }, 1)).toThrow(/at least 12x12/);
    expect(() => buildModel('mlp', { width: 28, height: 28, classes: 1 }, 1)).toThrow(/at least 2 classes/);
  });

  it('builds the same initial weights from the same seed', async () => {
    const [a, b, c] = [buildModel('mlp', shape, 5), buildModel('mlp', shape, 5), buildModel('mlp', shape, 6)];
    expect((await weightBytes(a)).equals(await weightBytes(b))).toBe(true);
    expect((await weightBytes(a)).equals(await weightBytes(c))).toBe(false);
    expect(a.layers.map((l) => l.outputShape)).toEqual([
      [null, 500],
      [null, 100],
      [null, 10],
    ]);
    dispose(a, b, c);
  });
});

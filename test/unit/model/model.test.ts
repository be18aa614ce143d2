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
  saveModel,
  saveOptimizer,
  trainEpoch,
  type TrainParams,
} from '../../../lib/model/index.js';
import { fashionBatches, iterate } from './fixtures.js';

const shape = { width: 28, height: 28, classes: 10 };
let train: Awaited<ReturnType<typeof fashionBatches>>;
let heldOut: Awaited<ReturnType<typeof fashionBatches>>;

beforeAll(async () => {
  await initBackend();
  train = await fashionBatches(0, 3072, 128);
  heldOut = await fashionBatches(50_000, 1000, 500);
});

async function trained(params: TrainParams, epochs: number) {
  const model = buildModel('mlp', shape, params.seed);
  const optimizer = createOptimizer(params);
  const results = [];
  for (let e = 0; e < epochs; e++)
    results.push(await trainEpoch(model, optimizer, iterate(train), 10, params.l2));
  return { model, optimizer, results };
}

describe('the mlp on real Fashion-MNIST', () => {
  it('learns: held-out accuracy well above chance after two short epochs', async () => {
    const { model, optimizer } = await trained(resolveParams('mlp', {}), 2);
    const v = await evaluateBatches(model, iterate(heldOut), 10);
    expect(v.accuracy).toBeGreaterThan(0.6);
    model.dispose();
    optimizer.dispose();
  });

  it('is deterministic: same seed and batches give identical weights and metrics; another seed differs', async () => {
    const p = resolveParams('mlp', {});
    const a = await trained(p, 1);
    const b = await trained(p, 1);
    const c = await trained({ ...p, seed: 7 }, 1);
    const weights = async (m: tf.LayersModel) => Buffer.from((await saveModel(m)).weights);
    expect((await weights(a.model)).equals(await weights(b.model))).toBe(true);
    expect(a.results[0]!.loss).toBe(b.results[0]!.loss);
    expect((await weights(a.model)).equals(await weights(c.model))).toBe(false);
    for (const t of [a, b, c]) {
      t.model.dispose();
      t.optimizer.dispose();
    }
  });

  it('disposes its tensors: the count stays flat across epochs', async () => {
    const p = resolveParams('mlp', {});
    const model = buildModel('mlp', shape, p.seed);
    const optimizer = createOptimizer(p);
    await trainEpoch(model, optimizer, iterate(train.slice(0, 4)), 10, p.l2);
    const after1 = tf.memory().numTensors;
    for (let e = 0; e < 3; e++) await trainEpoch(model, optimizer, iterate(train.slice(0, 4)), 10, p.l2);
    await evaluateBatches(model, iterate(heldOut), 10);
    expect(tf.memory().numTensors).toBe(after1);
    model.dispose();
    optimizer.dispose();
  });

  it('round-trips through bytes: same predictions; optimizer state restored continues identically', async () => {
    const p = resolveParams('mlp', {});
    const { model, optimizer } = await trained(p, 1);
    const saved = await saveModel(model);
    const loaded = await loadModel(saved);
    expect(predictProbabilities(loaded, heldOut[0]!)).toEqual(predictProbabilities(model, heldOut[0]!));
    const resumedOptimizer = createOptimizer(p);
    await restoreOptimizer(resumedOptimizer, await saveOptimizer(optimizer));
    await trainEpoch(model, optimizer, iterate(train), 10, p.l2);
    await trainEpoch(loaded, resumedOptimizer, iterate(train), 10, p.l2);
    expect(
      Buffer.from((await saveModel(loaded)).weights).equals(Buffer.from((await saveModel(model)).weights)),
    ).toBe(true);
    for (const d of [model, loaded, optimizer, resumedOptimizer]) d.dispose();
  });

  it('reports a diverging learning rate as DivergedError', async () => {
    const p = resolveParams('mlp', { lr: 1e5, momentum: 0.99 });
    await expect(trained(p, 2)).rejects.toBeInstanceOf(DivergedError);
  });
});

describe('parameters', () => {
  it('start from the original defaults; l2 follows lr unless given', () => {
    expect(resolveParams('mlp', {})).toEqual({
      epochs: 15,
      batchSize: 128,
      lr: 0.006,
      momentum: 0.98,
      l2: 0.006 * 0.005,
      optimizer: 'nesterov',
      seed: 123,
      patience: 0,
    });
    expect(resolveParams('mlp', { lr: '0.1' }).l2).toBeCloseTo(0.0005);
    expect(resolveParams('mlp', { lr: '0.1', l2: '0' }).l2).toBe(0);
  });

  it.each([
    [{ foo: 1 }, /unknown parameter "foo"/],
    [{ lr: -1 }, /expected lr in \(0/],
    [{ lr: 0 }, /expected lr/],
    [{ epochs: 1.5 }, /expected epochs an integer/],
    [{ batchSize: 'x' }, /expected batchSize/],
    [{ optimizer: 'rmsprop' }, /optimizer must be/],
  ])('refuses %o', (given, message) => expect(() => resolveParams('mlp', given)).toThrow(message));

  it('refuses an image size the cnn cannot take and a single class', () => {
    expect(() => buildModel('cnn', { width: 8, height: 8, classes: 10 }, 1)).toThrow(/at least 12x12/);
    expect(() => buildModel('mlp', { width: 28, height: 28, classes: 1 }, 1)).toThrow(/at least 2 classes/);
  });
});

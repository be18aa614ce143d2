import { describe, expect, it } from 'vitest';
import { defaultParams, parseParamList, parseParams, resolveParams } from '../../../lib/model/index.js';

describe('training parameters', () => {
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
    expect(resolveParams('cnn', {})).toEqual(defaultParams('cnn'));
    expect(resolveParams('mlp', { 'batch-size': '64', optimizer: 'adam', patience: 3 })).toMatchObject({
      batchSize: 64,
      optimizer: 'adam',
      patience: 3,
    });
  });

  it.each<[Record<string, unknown>, string]>([
    [
      { foo: 1 },
      'model: unknown parameter "foo" (known: epochs, batchSize, lr, momentum, l2, seed, patience, optimizer)',
    ],
    [{ lr: -1 }, 'model: expected lr > 0, got -1'],
    [{ lr: 0 }, 'model: expected lr > 0, got 0'],
    [{ lr: 'fast' }, 'model: expected lr > 0, got "fast"'],
    [{ lr: '' }, 'model: expected lr > 0, got ""'],
    [{ lr: Number.NaN }, 'model: expected lr > 0, got NaN'],
    [{ epochs: 1.5 }, 'model: expected epochs an integer from 1 to 10000, got 1.5'],
    [{ epochs: '0' }, 'model: expected epochs an integer from 1 to 10000, got "0"'],
    [{ batchSize: 'x' }, 'model: expected batchSize an integer from 1 to 65536, got "x"'],
    [{ momentum: 1 }, 'model: expected momentum in [0, 1), got 1'],
    [{ l2: -0.1 }, 'model: expected l2 >= 0, got -0.1'],
    [{ seed: -3 }, 'model: expected seed an integer from 0 to 2147483647, got -3'],
    [{ patience: '0x10' }, 'model: expected patience an integer from 0 to 10000, got "0x10"'],
    [{ optimizer: 'rmsprop' }, 'model: expected optimizer to be one of nesterov, sgd, adam, got "rmsprop"'],
  ])('refuses %o', (given, message) => expect(() => resolveParams('mlp', given)).toThrow(message));

  it('refuses an unknown arch', () => {
    expect(() => resolveParams('rnn' as 'mlp', {})).toThrow('model: unknown arch "rnn": expected mlp or cnn');
  });

  it('parses key=value items, as a list or one string', () => {
    expect(parseParamList(['lr=0.01', 'epochs = 3'])).toEqual({ lr: '0.01', epochs: '3' });
    expect(parseParamList('lr=0.01, epochs=3 optimizer=sgd')).toEqual({
      lr: '0.01',
      epochs: '3',
      optimizer: 'sgd',
    });
    expect(parseParams('mlp', 'lr=0.01 momentum=0.9')).toMatchObject({
      lr: 0.01,
      momentum: 0.9,
      l2: 0.01 * 0.005,
    });
    expect(() => parseParamList(['lr'])).toThrow('model: expected name=value, got "lr"');
    expect(() => parseParamList('lr=1 lr=2')).toThrow('model: parameter "lr" given twice');
    expect(() => parseParams('mlp', 'speed=3')).toThrow(/unknown parameter "speed"/);
  });
});

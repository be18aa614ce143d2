import { expect, it } from 'vitest';
import { validatePipelineConfig } from '../../../lib/pipeline/config.js';
import { reliability } from '../../reliability/tally.js';

const minimal = { sources: [{ path: '/data/in', labels: 'dir' }] };
const range = (n: number) => Array.from({ length: n }, (_, i) => i / n);

it('fills defaults around the sources', () => {
  const c = validatePipelineConfig(minimal);
  expect(c.dataset).toMatchObject({ name: 'training', split: 'train=0.8,val=0.1,test=0.1', seed: 1 });
  expect(c.train).toMatchObject({ arch: 'mlp', grid: {}, parallel: 2 });
  expect(c.gate).toEqual({ alias: 'production', maxErrorRate: 0.2, tolerance: 0.005, minClassRecall: 0 });
  expect(validatePipelineConfig({ ...minimal, train: null, score: null })).toMatchObject({
    train: null,
    score: null,
  });
});

it.each([
  [{}, /sources: expected a list/],
  [{ sources: [] }, /sources: expected at least one source/],
  [
    { sources: [{ path: '/x', labels: 'folder' }] },
    /sources\[0\]\.labels: expected one of dir, idx, none, regex, manifest, got "folder"/,
  ],
  [{ sources: [{ path: '/x', labels: 'regex' }] }, /sources\[0\]\.labelRegex: expected a regex/],
  [{ ...minimal, train: { grid: { lr: 0.1 } } }, /train\.grid\.lr: expected a list, got 0\.1/],
  [{ ...minimal, train: { arch: 'resnet' } }, /train\.arch: expected one of mlp, cnn/],
  [{ ...minimal, gate: { maxErrorRate: 2 } }, /gate\.maxErrorRate: expected a number in \[0, 1\]/],
  [{ ...minimal, dataset: { qeury: 'x' } }, /dataset\.qeury: expected no such field/],
  [{ ...minimal, shedule: '0 2 * * *' }, /shedule: expected no such field/],
  // Numbers that size work inside the pipeline's workflows, refused before it starts.
  [
    { ...minimal, train: { parallel: 100_000 } },
    /train\.parallel: expected an integer from 1 to 1000, got 100000/,
  ],
  [{ ...minimal, train: { parallel: 0 } }, /train\.parallel: expected an integer from 1 to 1000, got 0/],
  [
    { ...minimal, score: { partitionSize: 0 } },
    /score\.partitionSize: expected an integer from 1 to 65536, got 0/,
  ],
  [
    { ...minimal, train: { grid: { lr: range(200), l2: range(100) } } },
    /train\.grid: sweep: the grid's combinations: expected an integer from 1 to 10000, got 20000/,
  ],
  [
    { ...minimal, train: { grid: { lr: range(2000) } } },
    /train\.grid: sweep: trials .* from 1 to 1000, got 2000/,
  ],
  [
    { ...minimal, train: { params: { epochs: 100_000 } } },
    /train: model: expected epochs an integer from 1 to 10000, got 100000/,
  ],
  [
    { ...minimal, train: { grid: { patience: [1, 1e9] } } },
    /train: model: expected patience an integer from 0 to 10000, got 1000000000/,
  ],
])('refuses %j with the path of the bad field', (config, message) => {
  reliability('bad-input');
  expect(() => validatePipelineConfig(config)).toThrow(message);
});

import { expect, it } from 'vitest';
import { reliability } from '../reliability/tally.js';
import { runCli } from './run-cli.js';

// Nothing may start: a server that cannot be reached would give another error.
const env = { TEMPORAL_ADDRESS: '127.0.0.1:1' };
const grid = (name: string, n: number) => `${name}=${Array.from({ length: n }, (_, i) => i + 1).join(',')}`;

const refusals: [string[], RegExp][] = [
  [
    ['score', '--model', 'm', '--parallel', '100000'],
    /'--parallel <k>' argument '100000' is invalid\. Expected an integer from 1 to 1000/,
  ],
  [
    ['score', '--model', 'm', '--partition-size', '0'],
    /'--partition-size <n>' argument '0' .* from 1 to 65536/,
  ],
  [['replay', 'score-1', '--parallel', '2000'], /'--parallel <k>' argument '2000' .* from 1 to 1000/],
  [['ingest', '/tmp', '--chunk-size', '1000000'], /'--chunk-size <n>' argument '1000000' .* from 1 to 65536/],
  [['ingest', '/tmp', '--parallel', '100000'], /'--parallel <n>' argument '100000' .* from 1 to 1000/],
  [['ingest', '/tmp', '--max-pixels', '1e12'], /'--max-pixels <n>' argument '1e12' .* from 1 to 268402689/],
  [['sweep', '--dataset', 'd', '--grid', 'lr=1,2', '--parallel', '5000'], /'--parallel <k>' argument '5000'/],
  [
    ['sweep', '--dataset', 'd', '--grid', grid('lr', 200), '--grid', grid('l2', 100)],
    /sweep: the grid's combinations: expected an integer from 1 to 10000, got 20000/,
  ],
  [['worker', '--max-activities', '0'], /'--max-activities <n>' argument '0' .* from 1 to 1000/],
  // Training parameters that size the work, checked as the training activity would, but up front.
  [
    ['train', '--dataset', 'd', '--epochs', '100000'],
    /^imagelake: model: expected epochs an integer from 1 to 10000, got "100000"$/,
  ],
  [
    ['sweep', '--dataset', 'd', '--grid', 'batchSize=64,1000000'],
    /^imagelake: model: expected batchSize an integer from 1 to 65536, got 1000000$/,
  ],
];

it.each(refusals.map(([args, message]) => [args.join(' ').slice(0, 60), args, message] as const))(
  'imagelake %s is refused with one line before anything starts',
  async (_, args, message) => {
    reliability('bad-input');
    const { code, stdout, stderr } = await runCli(args, env);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^imagelake: /);
    expect(lines[0]).toMatch(message);
  },
);

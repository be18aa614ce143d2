import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { reliability } from '../reliability/tally.js';
import { testStack } from '../setup/stack.js';

const scratch = mkdtempSync(join(tmpdir(), 'imagelake-big-config-'));
// Nothing may start: a server that cannot be reached would give another error.
const env = { TEMPORAL_ADDRESS: '127.0.0.1:1' };

const pipeline = (config: unknown, environment: NodeJS.ProcessEnv = env) => {
  const file = join(scratch, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(config));
  return runCli(['pipeline', '--config', file, '--lake', join(scratch, 'lake')], environment);
};

it('a pipeline config with 250,000 sources is refused at once with its limit', async () => {
  reliability('bad-input');
  const sources = Array.from({ length: 250_000 }, (_, i) => ({ path: `/data/in/${i}`, labels: 'dir' }));
  const started = Date.now();
  const r = await pipeline({ sources });
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(
    'imagelake: pipeline config: sources: at most 100 sources, got 250000: list the folders or prefixes that hold the images (each is read whole), not the images\n',
  );
  expect(Date.now() - started).toBeLessThan(30_000);
});

it('a workflow input too big for its history is refused before it starts, not by gRPC', async () => {
  reliability('bad-input');
  const classes = Array.from({ length: 600 }, (_, i) => `class-${i}`).join(',');
  const sources = Array.from({ length: 100 }, () => ({ path: scratch, labels: 'dir', classes }));
  // The server is reached; the start is refused before it is asked.
  const taskQueue = `big-config-${randomBytes(4).toString('hex')}`;
  const r = await pipeline(
    { sources },
    { TEMPORAL_ADDRESS: testStack().temporalAddress, IMAGELAKE_TASK_QUEUE: taskQueue },
  );
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(
    /^imagelake: temporal: the input of PipelineWorkflow is [\d,]+ KiB, over the 256 KiB a workflow input may carry: give fewer items per run \(large lists belong in the lake, named by key\)\n$/,
  );
});

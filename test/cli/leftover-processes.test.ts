import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { leftoverCliProcesses } from '../setup/leftover-processes.js';
import { testStack } from '../setup/stack.js';
import { spawnCli } from './run-cli.js';

it("the test teardown finds the imagelake processes a test left running against this run's server, and only those", async () => {
  const { temporalAddress } = testStack();
  const child = spawnCli(['worker'], {
    TEMPORAL_ADDRESS: temporalAddress,
    IMAGELAKE_TASK_QUEUE: `leftover-${randomBytes(4).toString('hex')}`,
  });
  try {
    await expect.poll(() => leftoverCliProcesses(temporalAddress), { timeout: 10_000 }).toContain(child.pid);
    expect(leftoverCliProcesses('127.0.0.1:1')).not.toContain(child.pid);
  } finally {
    child.kill('SIGKILL');
  }
  await expect.poll(() => child.exitCode !== null || child.signalCode !== null).toBe(true);
  expect(leftoverCliProcesses(temporalAddress)).not.toContain(child.pid);
});

// Starts the real Temporal dev server and a real MinIO on free loopback ports for the whole run.
import type { TestProject } from 'vitest/node';
import { killLeftoverCliProcesses } from './leftover-processes.js';
import { startStack } from './start-stack.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { stack, stop } = await startStack();
  project.provide('stack', stack);
  return async () => {
    killLeftoverCliProcesses(stack.temporalAddress);
    await stop();
  };
}

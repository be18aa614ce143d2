import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WORKFLOWS_PATH } from '../../lib/temporal/worker.js';
import * as workflows from '../../workflows/index.js';
import { reliability } from '../reliability/tally.js';
import { recordedHistories } from './record.js';

const histories = recordedHistories();

describe('replay of recorded workflow histories', () => {
  it('has a recorded history for every workflow the worker registers', () => {
    const registered = Object.entries(workflows)
      .filter(([, v]) => typeof v === 'function')
      .map(([name]) => name)
      .sort();
    expect(registered.length).toBeGreaterThan(10);
    expect(histories.map((h) => h.workflowType).sort()).toEqual(registered);
  });

  it.each(histories)(
    'replays $workflowType ($file) without determinism errors',
    async ({ workflowId, history }) => {
      reliability('fault');
      await Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH }, history, workflowId);
    },
  );

  it('fails the replay of a deliberately altered workflow (changed without patched())', async () => {
    reliability('fault');
    const smoke = histories.find((h) => h.workflowType === 'SmokeWorkflow');
    expect(smoke).toBeDefined();
    const altered = fileURLToPath(new URL('./altered/index.ts', import.meta.url));
    await expect(
      Worker.runReplayHistory({ workflowsPath: altered }, smoke!.history, 'smoke-altered'),
    ).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});

import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WORKFLOWS_PATH } from '../../lib/temporal/worker.js';

const dir = new URL('../histories/', import.meta.url);
const histories = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((file) => ({ file, history: JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as unknown }));

describe('replay of recorded workflow histories', () => {
  it('has recorded histories to replay', () => expect(histories.length).toBeGreaterThan(0));

  it.each(histories)('replays $file without determinism errors', async ({ file, history }) => {
    await Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH }, history, file);
  });

  it('fails the replay of a deliberately altered workflow (changed without patched())', async () => {
    const smoke = histories.find((h) => h.file === 'smoke.json');
    expect(smoke).toBeDefined();
    const altered = fileURLToPath(new URL('./altered/index.ts', import.meta.url));
    await expect(
      Worker.runReplayHistory({ workflowsPath: altered }, smoke!.history, 'smoke-altered'),
    ).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});

import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadSnapshot } from '../../lib/catalog/snapshot.js';
import { spawnCli } from '../cli/run-cli.js';
import { fashionIdxSubset } from '../ingest/fixtures.js';
import { testStack } from '../setup/stack.js';
import { withTestWorker } from '../setup/temporal.js';
import { reliability } from '../reliability/tally.js';

it('Ctrl-C on imagelake pipeline (no terminal to ask on) cancels it and leaves the lake consistent', async () => {
  reliability('fault');
  const { images } = await fashionIdxSubset(3000); // its labels file sits beside it and is found
  await withTestWorker(async ({ client, taskQueue, lakeUri, deps }) => {
    const config = join(lakeUri, '..', `${taskQueue}.yaml`);
    writeFileSync(
      config,
      `lake: ${lakeUri}\nsources:\n  - path: ${images}\n    labels: idx\n    classes: fashion-mnist\ntrain:\n  params:\n    epochs: 30\nscore: null\n`,
    );
    const cli = spawnCli(['pipeline', '--config', config], {
      TEMPORAL_ADDRESS: testStack().temporalAddress,
      IMAGELAKE_TASK_QUEUE: taskQueue,
    });
    let stderr = '';
    cli.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));
    // Interrupt once training has started (its first checkpoint exists).
    const checkpoints = join(lakeUri, 'checkpoints');
    await expect
      .poll(() => existsSync(checkpoints) && readdirSync(checkpoints).length > 0, {
        timeout: 120_000,
        interval: 100,
      })
      .toBe(true);
    cli.kill('SIGINT');
    const code = await exited;
    expect(code).toBe(130);
    expect(stderr).toMatch(/^cancelling pipeline-\d+ \(interrupt again to stop at once\)$/m);
    expect(stderr).toMatch(/^imagelake: interrupted by SIGINT: pipeline-\d+ cancelled;/m);
    const runs = [];
    for await (const w of client.workflow.list({
      query: `WorkflowType = 'PipelineWorkflow' AND TaskQueue = '${taskQueue}'`,
    }))
      runs.push(w.status.name);
    expect(runs).toEqual(['CANCELLED']);
    // Consistent: every committed manifest's files exist, and no model was half-registered.
    const snapshot = await loadSnapshot(deps.lakes.open(lakeUri), deps.mirror);
    expect(snapshot.manifests.filter((m) => m.kind === 'ingest')).toHaveLength(1);
    expect(snapshot.manifests.filter((m) => m.kind === 'models')).toHaveLength(0);
  });
});

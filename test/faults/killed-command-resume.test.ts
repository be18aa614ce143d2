import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { embeddedEnv, watchProcess, withActivityRunning } from '../cli/embedded.js';
import { runCli, spawnCli } from '../cli/run-cli.js';
import { fashionPngFolder } from '../ingest/fixtures.js';
import { reliability } from '../reliability/tally.js';
import { testStack } from '../setup/stack.js';

it("ingest --run-id finishes a run whose command was killed: that command's own queue is served again", async () => {
  const tally = reliability('fault');
  const images = 300;
  const source = await fashionPngFolder(images);
  const lake = mkdtempSync(join(tmpdir(), 'imagelake-resume-lake-'));
  const env = embeddedEnv();
  const runId = `resume-${randomBytes(4).toString('hex')}`;
  const args = ['ingest', source, '--labels', 'dir', '--lake', lake, '--run-id', runId, '--chunk-size', '20'];
  const client = new Client({
    connection: await Connection.connect({ address: testStack().temporalAddress }),
  });
  const first = spawnCli([...args, '--json'], env);
  try {
    const command = { idPrefix: runId, ...watchProcess(first) };
    const handle = await withActivityRunning(client, command, 'IngestWorkflow');
    first.kill('SIGKILL'); // no cleanup: its workflow stays on its own task queue, which nobody polls now
    await command.exited;
    expect((await handle.describe()).status.name).toBe('RUNNING');

    const again = await runCli([...args, '--json'], env, 240_000);
    expect(again.stderr).not.toMatch(/imagelake:/);
    expect(again.code).toBe(0);
    const summary = JSON.parse(again.stdout.trim().split('\n').at(-1)!) as { ingested: number };
    expect(summary).toMatchObject({ runId, seen: images, ingested: images });
    tally.items(images, summary.ingested);
  } finally {
    first.kill('SIGKILL');
    await client.connection.close();
  }
});

import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalLake } from '../../lib/lake/index.js';
import { folderIngest } from '../catalog/helpers.js';
import { IngestWorkflow } from '../../workflows/index.js';
import { fashionPngFolder } from '../ingest/fixtures.js';
import { reliability } from '../reliability/tally.js';
import { withTestWorker } from '../setup/temporal.js';
import { runCli } from './run-cli.js';

/** Makes a lake's ingest runs look as before the raw zone: manifests without an originals table. */
async function asBeforeOriginals(lakeUri: string): Promise<void> {
  const lake = new LocalLake(lakeUri);
  for await (const key of lake.listKeys('manifests/ingest/')) {
    const manifest = JSON.parse((await lake.get(key)).toString()) as { tables: Record<string, string> };
    const { originals, ...tables } = manifest.tables;
    await lake.delete(originals!);
    await lake.put(key, JSON.stringify({ ...manifest, tables }, null, 2));
  }
}

describe('imagelake export', () => {
  it('on a lake written before originals were kept writes nothing and says why', async () => {
    const dir = await fashionPngFolder(12);
    const lakeUri = mkdtempSync(join(tmpdir(), 'imagelake-export-old-'));
    await withTestWorker(async ({ client, taskQueue }) => {
      await client.workflow.execute(IngestWorkflow, {
        taskQueue,
        workflowId: `export-old-${taskQueue}`,
        args: [folderIngest(lakeUri, dir, { labels: { kind: 'parent-dir' } })],
      });
    });
    await asBeforeOriginals(lakeUri);
    const lake = ['--lake', lakeUri];
    const counts = await runCli([
      'sql',
      ...lake,
      '--format',
      'json',
      'SELECT (SELECT count(*) FROM images) AS images, (SELECT count(*) FROM originals) AS originals',
    ]);
    expect(JSON.parse(counts.stdout)).toEqual([{ images: 12, originals: 0 }]);
    const out = mkdtempSync(join(tmpdir(), 'imagelake-export-none-'));
    const all = await runCli(['export', ...lake, '--where', 'true', '--to', out]);
    expect(all).toMatchObject({ code: 0, stderr: '' });
    expect(all.stdout).toBe(
      `export: 0 originals written to ${out} (0 bytes); 12 of the 12 selected images have no original in the lake (ingested before originals were kept, or with --no-originals)\n`,
    );
    expect(readdirSync(out)).toEqual([]);
    expect(
      (await runCli(['export', ...lake, '--where', "label = 'no such label'", '--to', out])).stdout,
    ).toBe('export: the filter selects no image\n');
  }, 120_000);

  it('refuses a filter that is not one expression over the images, in one line', async () => {
    reliability('bad-input', 3);
    const lakeUri = mkdtempSync(join(tmpdir(), 'imagelake-export-bad-'));
    for (const [where, message] of [
      ["true) UNION SELECT * FROM images WHERE (label = 'x'", /is not one expression/],
      ['nope = 1', /nope/],
      ['', /is empty/],
    ] as const) {
      const result = await runCli([
        'export',
        '--lake',
        lakeUri,
        '--where',
        where,
        '--to',
        join(lakeUri, 'out'),
      ]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^imagelake: export: the filter /);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n').length).toBe(1);
    }
  });
});

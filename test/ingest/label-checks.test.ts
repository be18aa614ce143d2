import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quoteLiteral } from '../../lib/catalog/sql-quote.js';
import { runCli } from '../cli/run-cli.js';
import { reliability } from '../reliability/tally.js';
import { testStack } from '../setup/stack.js';
import { withTestWorker } from '../setup/temporal.js';
import { fashionPngFolder, queryParquet } from './fixtures.js';

/** Four real PNGs at the top of a folder: a.png, b.png, c.png, 7_d.png. */
async function flatFolder(): Promise<string> {
  const classes = await fashionPngFolder(4);
  const dir = mkdtempSync(join(tmpdir(), 'imagelake-labels-'));
  const names = ['a.png', 'b.png', 'c.png', '7_d.png'];
  const files = readdirSync(classes, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  files.forEach((f, i) => writeFileSync(join(dir, names[i]!), readFileSync(join(f.parentPath, f.name))));
  return dir;
}

/** Runs `imagelake ingest` against the test worker's task queue. */
function ingestCli(args: string[], taskQueue: string) {
  return runCli(['ingest', ...args, '--json'], {
    TEMPORAL_ADDRESS: testStack().temporalAddress,
    IMAGELAKE_TASK_QUEUE: taskQueue,
  });
}

/** Every object in a local lake, temp files aside. */
const lakeObjects = (lake: string): string[] =>
  readdirSync(lake, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.parentPath.includes('.tmp'))
    .map((e) => join(e.parentPath, e.name).slice(lake.length + 1));

describe('ingest checks its labels as label import does (real Temporal, the CLI)', () => {
  it('refuses a bad label manifest before anything is started or written', async () => {
    reliability('bad-input', 2);
    const source = await flatFolder();
    await withTestWorker(async ({ taskQueue, lakeUri }) => {
      const manifest = join(source, '..', `m-${taskQueue}.csv`);
      writeFileSync(manifest, 'path,label\na.png,cat\nb.png,\n');
      const empty = await ingestCli([source, '--label-manifest', manifest, '--lake', lakeUri], taskQueue);
      expect([empty.code, empty.stderr.trim()]).toEqual([
        1,
        `imagelake: ingest: label manifest ${manifest} refused, nothing ingested: ${manifest}:3: empty label`,
      ]);
      writeFileSync(manifest, 'path,label\na.png,cat\nb.png,dog\na.png,dog\n');
      const twice = await ingestCli([source, '--label-manifest', manifest, '--lake', lakeUri], taskQueue);
      expect(twice.code).toBe(1);
      expect(twice.stderr).toMatch(/:4: a.png labeled "dog" here and "cat" earlier in the file\n$/);
      expect(lakeObjects(lakeUri)).toEqual([]);
    });
  });

  it('reports manifest rows for missing files and files left without a label', async () => {
    reliability('bad-input');
    const source = await flatFolder();
    await withTestWorker(async ({ taskQueue, lakeUri }) => {
      const manifest = join(source, '..', `m-${taskQueue}.csv`);
      writeFileSync(manifest, 'path,label\na.png,cat\nb.png,dog\nc.png,dog\ngone.png,cat\n');
      const run = await ingestCli([source, '--label-manifest', manifest, '--lake', lakeUri], taskQueue);
      expect(run.code).toBe(0);
      expect(run.stderr).toContain(
        `ingest: 1 of 4 files got no label from label manifest ${manifest} (e.g. "7_d.png"): ingested without a label\n`,
      );
      expect(run.stderr).toContain(
        `ingest: 1 rows of label manifest ${manifest} name files that are not in the source (e.g. "gone.png")\n`,
      );
      const summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
      expect(summary).toMatchObject({ ingested: 4, labels: { files: 4, labeled: 3, missing: 1 } });
    });
  });

  it('refuses a --label-regex that matches none of the files unless --allow-unlabeled, and reports partial matches', async () => {
    reliability('bad-input', 2);
    const source = await flatFolder();
    await withTestWorker(async ({ taskQueue, lakeUri }) => {
      const none = await ingestCli([source, '--label-regex', '^(\\d+)x', '--lake', lakeUri], taskQueue);
      expect(none.code).toBe(1);
      expect(none.stderr.trim().split('\n').at(-1)).toBe(
        'imagelake: ingest: --label-regex "^(\\\\d+)x" labeled none of the 4 files (e.g. "7_d.png", "a.png", "b.png"): nothing ingested; pass --allow-unlabeled to ingest them without labels',
      );
      expect(lakeObjects(lakeUri).filter((k) => !k.startsWith('ingest/'))).toEqual([]);

      const partial = await ingestCli([source, '--label-regex', '^(\\d+)_', '--lake', lakeUri], taskQueue);
      expect(partial.code).toBe(0);
      expect(partial.stderr).toContain(
        'ingest: 3 of 4 files got no label from --label-regex "^(\\\\d+)_" (e.g. "a.png", "b.png", "c.png"): ingested without a label\n',
      );
      const [runId] = [JSON.parse(partial.stdout.trim().split('\n').at(-1)!).runId as string];
      const labels = await queryParquet(
        `SELECT label FROM ${quoteLiteral(join(lakeUri, 'meta/images', `${runId}.parquet`))} ORDER BY label`,
      );
      expect(labels).toEqual([['7'], [null], [null], [null]]);
    });
  });

  it('ingests unlabeled with --allow-unlabeled when the regex matches nothing', async () => {
    reliability('bad-input');
    const source = await flatFolder();
    await withTestWorker(async ({ taskQueue, lakeUri }) => {
      const run = await ingestCli(
        [source, '--label-regex', '^(\\d+)x', '--allow-unlabeled', '--lake', lakeUri],
        taskQueue,
      );
      expect(run.code).toBe(0);
      expect(run.stderr).toContain('ingest: 4 of 4 files got no label from --label-regex');
      expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toMatchObject({ ingested: 4 });
    });
  });
});

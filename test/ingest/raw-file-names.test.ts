import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { quoteLiteral } from '../../lib/catalog/sql-quote.js';
import { folderIngest } from '../catalog/helpers.js';
import { IngestWorkflow } from '../../workflows/index.js';
import { reliability } from '../reliability/tally.js';
import { withTestWorker } from '../setup/temporal.js';
import { fashionPngFolder, queryParquet } from './fixtures.js';

it('ingests files whose names are not UTF-8 or hold a backslash, newline or tab, by their exact names', async () => {
  // Each name as bytes, and the source the lake records for it (escaped as `ls -b` shows it).
  const names: [Buffer, string][] = [
    [Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x70, 0x6e, 0x67]), 'caf\\xe9.png'], // Latin-1 "café.png"
    [Buffer.from([0xe8, 0x2e, 0x70, 0x6e, 0x67]), '\\xe8.png'], // these two read the same as UTF-8
    [Buffer.from([0xe9, 0x2e, 0x70, 0x6e, 0x67]), '\\xe9.png'],
    [Buffer.from('back\\slash.png'), 'back\\\\slash.png'],
    [Buffer.from('new\nline.png'), 'new\\x0aline.png'],
    [Buffer.from('tab\there.png'), 'tab\\x09here.png'],
    [Buffer.concat([Buffer.from([0xff]), Buffer.from('-folder/inside.png')]), '\\xff-folder/inside.png'],
  ];
  reliability('bad-input', names.length);
  const pngFolder = await fashionPngFolder(names.length);
  const pngs = readdirSync(pngFolder, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name)));
  const dir = mkdtempSync(join(tmpdir(), 'imagelake-raw-names-'));
  const path = (name: Buffer) => Buffer.concat([Buffer.from(`${dir}/`), name]);
  mkdirSync(path(Buffer.from([0xff, ...Buffer.from('-folder')])));
  names.forEach(([name], i) => writeFileSync(path(name), pngs[i]!));

  await withTestWorker(async ({ client, taskQueue, lakeUri }) => {
    const runId = `raw-names-${taskQueue}`;
    const summary = await client.workflow.execute(IngestWorkflow, {
      taskQueue,
      workflowId: runId,
      args: [folderIngest(lakeUri, dir)],
    });
    const table = (name: string) => quoteLiteral(join(lakeUri, 'meta', name, `${runId}.parquet`));
    const quarantined = await queryParquet(`SELECT source, reason FROM ${table('quarantine')}`).catch(
      () => [],
    );
    expect(quarantined).toEqual([]);
    expect(summary).toMatchObject({ seen: names.length, ingested: names.length, quarantined: 0 });
    const sources = (await queryParquet(`SELECT source FROM ${table('images')} ORDER BY source`)).map(
      ([s]) => s,
    );
    expect(sources).toEqual(names.map(([, key]) => `${dir}/${key}`).sort());
  });
});

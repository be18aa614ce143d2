import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { committedManifests } from '../../activities/ingest/committed.js';
import { openLake } from '../../lib/lake/open-lake.js';
import { folderIngest } from '../catalog/helpers.js';
import { IngestWorkflow } from '../../workflows/index.js';
import { embeddedEnv } from '../cli/embedded.js';
import { runCli } from '../cli/run-cli.js';
import { oxygenIcons, plasmaPhotographs } from '../fixtures/color-images.js';
import { s3Env, testStack } from '../setup/stack.js';
import { withTestWorker, type TestWorkerContext } from '../setup/temporal.js';
import { fashionPngFolder } from './fixtures.js';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/**
 * Real images in class folders: Oxygen icons (apps, devices, places), Fashion-MNIST PNGs (Bag),
 * three Plasma photographs, Volna among them (4.6 MB: an object of its own); an icon copied into a
 * second folder (stored once) and a cut JPEG (quarantined: no original kept).
 */
async function sourceFolder(): Promise<{ dir: string; files: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'imagelake-originals-'));
  const icons = oxygenIcons({ size: 48, categories: ['apps', 'devices', 'places'], perCategory: 8 });
  for (const icon of icons) {
    mkdirSync(join(dir, icon.category), { recursive: true });
    copyFileSync(icon.path, join(dir, icon.category, `${icon.name}.png`));
  }
  copyFileSync(icons[0]!.path, join(dir, 'places', 'copy-of-an-app.png'));
  const bags = await fashionPngFolder(12);
  for (const cls of readdirSync(bags)) {
    mkdirSync(join(dir, 'fashion'), { recursive: true });
    for (const f of readdirSync(join(bags, cls))) copyFileSync(join(bags, cls, f), join(dir, 'fashion', f));
  }
  mkdirSync(join(dir, 'photos'));
  for (const p of plasmaPhotographs().filter((p) => ['Kite', 'Grey', 'Volna'].includes(p.name)))
    copyFileSync(p.path, join(dir, 'photos', `${p.name}.jpg`));
  const kite = readFileSync(join(dir, 'photos', 'Kite.jpg'));
  writeFileSync(join(dir, 'photos', 'cut.jpg'), kite.subarray(0, kite.length / 2));
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
  return { dir, files };
}

async function ingest(
  ctx: TestWorkerContext,
  lakeUri: string,
  root: string,
  id: string,
  keepOriginals = true,
) {
  return ctx.client.workflow.execute(IngestWorkflow, {
    taskQueue: ctx.taskQueue,
    workflowId: `${id}-${ctx.taskQueue}`,
    args: [
      folderIngest(lakeUri, root, {
        labels: { kind: 'parent-dir' },
        chunkSize: 20,
        partSize: 8,
        ...(keepOriginals ? {} : { originals: 'none' as const }),
      }),
    ],
  });
}

/** Every exported file by its name's image id, checked against the source files byte for byte. */
function expectExported(out: string, sources: readonly string[]): void {
  const exported = readdirSync(out);
  const bySha = new Map(sources.map((f) => [sha256(readFileSync(f)).slice(0, 32), f]));
  expect(exported.length).toBe(bySha.size);
  for (const name of exported) {
    const source = bySha.get(name.slice(0, 32))!;
    expect(source, name).toBeDefined();
    expect(readFileSync(join(out, name)).equals(readFileSync(source))).toBe(true);
    expect(extname(name)).toBe(extname(source) === '.jpg' ? '.jpg' : '.png');
  }
}

describe.each([
  ['local', () => mkdtempSync(join(tmpdir(), 'imagelake-originals-lake-')), {}],
  ['MinIO', () => `s3://${testStack().s3.bucket}/originals-${Date.now()}`, 'minio'],
] as const)('originals in the raw zone of a %s lake', (_, lakeOf, env) => {
  it('keeps every original once, and exports them back byte for byte', async () => {
    const { dir, files } = await sourceFolder();
    const ingestable = files.filter((f) => !f.endsWith('cut.jpg'));
    const lakeUri = lakeOf();
    const cliEnv = env === 'minio' ? s3Env() : {};
    await withTestWorker(async (ctx) => {
      const first = await ingest(ctx, lakeUri, dir, 'originals');
      expect(first).toMatchObject({
        seen: files.length,
        ingested: files.length - 2,
        quarantined: 1,
        duplicates: 1,
      });
      const again = await ingest(ctx, lakeUri, dir, 'originals-again');
      expect(again).toMatchObject({ ingested: 0, duplicates: files.length - 1 });
      const lake = ctx.deps.lakes.open(lakeUri);
      const manifests = await committedManifests(lake);
      expect(manifests.every((m) => m.tables.originals)).toBe(true);
      const own: string[] = [];
      for await (const key of lake.listKeys('raw/sha256/')) own.push(key);
      const volna = sha256(readFileSync(join(dir, 'photos', 'Volna.jpg')));
      expect(own).toEqual([`raw/sha256/${volna.slice(0, 2)}/${volna}`]);
    });
    const counts = await runCli(
      [
        'sql',
        '--lake',
        lakeUri,
        '--format',
        'json',
        `SELECT count(*) AS n, count(DISTINCT sha256) AS d, count(*) FILTER (WHERE record_index IS NULL) AS own FROM originals`,
      ],
      cliEnv,
    );
    expect(JSON.parse(counts.stdout)).toEqual([{ n: files.length - 2, d: files.length - 2, own: 1 }]);

    const all = mkdtempSync(join(tmpdir(), 'imagelake-export-'));
    const exported = await runCli(['export', '--lake', lakeUri, '--where', 'true', '--to', all], cliEnv);
    expect(exported).toMatchObject({ code: 0, stderr: '' });
    expect(exported.stdout).toMatch(new RegExp(`^export: ${files.length - 2} originals written to `));
    expectExported(all, ingestable);
    // Again into the same folder: nothing to write.
    expect(
      (await runCli(['export', '--lake', lakeUri, '--where', 'true', '--to', all], cliEnv)).stdout,
    ).toMatch(/^export: 0 originals written .*, \d+ already there/);

    const apps = mkdtempSync(join(tmpdir(), 'imagelake-export-apps-'));
    expect(
      (await runCli(['export', '--lake', lakeUri, '--where', "label = 'apps'", '--to', apps], cliEnv)).code,
    ).toBe(0);
    expectExported(
      apps,
      ingestable.filter((f) => f.includes('/apps/')),
    );
  }, 240_000);
});

describe('ingest without originals', () => {
  it('keeps none with --no-originals, says so, and an export finds none', async () => {
    const { dir } = await sourceFolder();
    const lakeUri = mkdtempSync(join(tmpdir(), 'imagelake-no-originals-'));
    const ingested = await runCli(
      ['ingest', dir, '--labels', 'dir', '--lake', lakeUri, '--no-originals', '--json'],
      embeddedEnv(),
      240_000,
    );
    expect(ingested.code).toBe(0);
    expect(ingested.stderr).toContain(
      'ingest: --no-originals: the originals are not kept, so no other rendition of these images can be derived from the lake later',
    );
    expect(JSON.parse(ingested.stdout.trim().split('\n').at(-1)!)).toMatchObject({ quarantined: 1 });
    const lake = openLake(lakeUri);
    const stored: string[] = [];
    for await (const key of lake.listKeys('raw/')) stored.push(key);
    await lake.close();
    expect(stored).toEqual([]);
    const out = mkdtempSync(join(tmpdir(), 'imagelake-export-none-'));
    const result = await runCli(['export', '--lake', lakeUri, '--where', "label = 'photos'", '--to', out]);
    expect(result.stdout).toBe(
      'export: 0 originals written to ' +
        `${out} (0 bytes); 3 of the 3 selected images have no original in the lake (ingested before originals were kept, or with --no-originals)\n`,
    );
    expect(readdirSync(out)).toEqual([]);
  }, 300_000);
});

import sharp from 'sharp';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { quoteLiteral } from '../../lib/catalog/sql-quote.js';
import { IngestWorkflow } from '../../workflows/index.js';
import { animatedGif, pngBomb } from '../fixtures/hostile-images.js';
import { withTestWorker } from '../setup/temporal.js';
import { fashionPngFolder, queryParquet } from './fixtures.js';
import { reliability } from '../reliability/tally.js';

it('every hostile input of the reliability list is ingested correctly or quarantined with its reason, in bounded memory', async () => {
  const tally = reliability('bad-input');
  const sample = readFileSync(join(await fashionPngFolder(1), 'Ankle boot', '0.png'));
  const photo = sharp(sample).resize(200, 200);
  const jpeg = await photo.clone().jpeg().toBuffer();
  const inputs: Record<string, { bytes: Buffer; expect: string }> = {
    'empty.png': { bytes: Buffer.alloc(0), expect: 'quarantined:empty' },
    'notes.png': { bytes: Buffer.from('a text file named .png'), expect: 'quarantined:not-an-image' },
    'vector.svg': {
      bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'),
      expect: 'quarantined:format-not-allowed',
    },
    'bomb.png': { bytes: pngBomb(), expect: 'quarantined:too-many-pixels' },
    'truncated.png': {
      bytes: (await photo.clone().png({ compressionLevel: 0 }).toBuffer()).subarray(0, 2000),
      expect: 'quarantined:truncated',
    },
    'truncated.jpg': {
      bytes: jpeg.subarray(0, Math.floor(jpeg.length / 2)),
      expect: 'quarantined:truncated',
    },
    'jpeg-named.png': { bytes: jpeg, expect: 'ingested:jpeg' }, // wrong extension: the bytes decide
    'deep.png': {
      bytes: await photo.clone().toColourspace('grey16').png().toBuffer(),
      expect: 'ingested:png',
    },
    'cmyk.jpg': {
      bytes: await photo.clone().jpeg().toColourspace('cmyk').toBuffer(),
      expect: 'ingested:jpeg',
    },
    'animated.gif': { bytes: await animatedGif(), expect: 'ingested:gif' }, // first frame, as documented
  };
  expect((await sharp(inputs['cmyk.jpg']!.bytes).metadata()).space).toBe('cmyk');
  expect((await sharp(inputs['deep.png']!.bytes).metadata()).depth).toBe('ushort');
  const dir = mkdtempSync(join(tmpdir(), 'imagelake-hostile-'));
  mkdirSync(join(dir, 'Bag'));
  for (const [name, { bytes }] of Object.entries(inputs)) writeFileSync(join(dir, 'Bag', name), bytes);
  // Entries that are not regular files: the listing does not stat, so the read must refuse them
  // (a FIFO opened for reading would otherwise wait for a writer forever).
  const special: Record<string, string> = {
    'pipe.png': 'quarantined:unreadable',
    'folder-link.png': 'quarantined:unreadable',
    'dangling.png': 'quarantined:vanished',
  };
  execFileSync('mkfifo', [join(dir, 'Bag', 'pipe.png')]);
  symlinkSync(tmpdir(), join(dir, 'Bag', 'folder-link.png'));
  symlinkSync(join(dir, 'gone.png'), join(dir, 'Bag', 'dangling.png'));
  tally.inputs(Object.keys(inputs).length + Object.keys(special).length);

  await withTestWorker(async ({ client, taskQueue, lakeUri }) => {
    const rssBefore = process.memoryUsage().rss;
    const summary = await client.workflow.execute(IngestWorkflow, {
      taskQueue,
      workflowId: `hostile-${taskQueue}`,
      args: [
        {
          lakeUri,
          source: { kind: 'files', root: dir },
          labels: { kind: 'parent-dir' },
          classes: null,
          normalize: { invert: 'never' }, // so the GIF's first frame (dark) differs from its second
          chunkSize: 4,
          partSize: 2,
        },
      ],
    });
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    expect(rssGrowth).toBeLessThan(256 * 1024 * 1024); // decoded, the bomb alone would be 400 MB

    const file = (table: string) =>
      quoteLiteral(join(lakeUri, `meta/${table}`, `hostile-${taskQueue}.parquet`));
    const outcomes = new Map<string, string>();
    const means = new Map<string, number>();
    for (const [source, format, mean] of (await queryParquet(
      `SELECT regexp_extract(source, '[^/]+$'), original_format, mean FROM ${file('images')}`,
    )) as [string, string, number][]) {
      outcomes.set(source, `ingested:${format}`);
      means.set(source, mean);
    }
    for (const [source, reason] of (await queryParquet(
      `SELECT regexp_extract(source, '[^/]+$'), split_part(reason, ':', 1) FROM ${file('quarantine')}`,
    )) as [string, string][])
      outcomes.set(source, `quarantined:${reason}`);
    expect(Object.fromEntries(outcomes)).toEqual({
      ...Object.fromEntries(Object.entries(inputs).map(([name, i]) => [name, i.expect])),
      ...special,
    });
    expect(summary).toMatchObject({ seen: 13, ingested: 4, duplicates: 0, quarantined: 9 });
    expect(means.get('animated.gif')).toBeLessThan(0.4); // the dark first frame, not the light second
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogRows } from '../catalog/helpers.js';
import { reliability } from '../reliability/tally.js';
import { withTestWorker } from '../setup/temporal.js';
import { imageCount, ingestCli } from './ingest-cli.js';

describe('an empty source', () => {
  it('commits a run of nothing at once: 0 seen, exit 0', async () => {
    reliability('bad-input');
    const empty = mkdtempSync(join(tmpdir(), 'imagelake-empty-'));
    await withTestWorker(async (ctx) => {
      const done = await ingestCli(ctx, empty);
      expect(done).toMatchObject({ code: 0 });
      const summary = JSON.parse(done.stdout) as { runId: string };
      expect(summary).toMatchObject({ seen: 0, ingested: 0, duplicates: 0, quarantined: 0 });
      // Each activity ran once: the commit used to fail and be retried for minutes.
      const history = await ctx.client.workflow.getHandle(summary.runId).fetchHistory();
      const attempts = (history.events ?? []).flatMap(
        (e) => e.activityTaskStartedEventAttributes?.attempt ?? [],
      );
      expect(attempts).toEqual([1, 1]);
      expect(await catalogRows(ctx.deps, ctx.lakeUri, 'SELECT seen, ingested FROM ingest_runs')).toEqual([
        [0n, 0n],
      ]);
      expect(await imageCount(ctx)).toBe(0);
    });
  });
});

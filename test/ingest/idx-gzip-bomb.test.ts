import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { IngestWorkflow } from '../../workflows/index.js';
import { idxHeader, peakRssGrowth, writeGzipBomb } from '../fixtures/idx-bomb.js';
import { reliability } from '../reliability/tally.js';
import { innermost, withTestWorker } from '../setup/temporal.js';

it('an ingest of a gzipped IDX bomb fails at once with the reason, in bounded worker memory', async () => {
  reliability('bad-input');
  const dir = mkdtempSync(join(tmpdir(), 'imagelake-idx-bomb-'));
  // 100 images of 28x28 declared, then 512 MiB of zeros: about 500 KB of gzip.
  const images = await writeGzipBomb(
    join(dir, 'bomb-images-idx3-ubyte.gz'),
    idxHeader(0x803, [100, 28, 28]),
    2 ** 29,
  );
  await withTestWorker(async ({ client, taskQueue, lakeUri }) => {
    let failure: unknown;
    const started = Date.now();
    const growth = await peakRssGrowth(() =>
      client.workflow
        .execute(IngestWorkflow, {
          taskQueue,
          workflowId: `idx-bomb-${taskQueue}`,
          args: [
            {
              lakeUri,
              source: { kind: 'idx', images, labels: null },
              labels: { kind: 'none' },
              classes: null,
              normalize: {},
            },
          ],
        })
        .catch((error: unknown) => (failure = error)),
    );
    expect(innermost(failure)).toMatch(
      /^idx: .*bomb-images-idx3-ubyte\.gz inflates past the 100 images of 28x28 its header declares \(78416 bytes\): refused without inflating the rest$/,
    );
    expect(Date.now() - started).toBeLessThan(20_000); // refused once, not retried
    expect(growth).toBeLessThan(128 * 2 ** 20);
  });
});

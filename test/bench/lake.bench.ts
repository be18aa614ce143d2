import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalLake } from '../../lib/lake/index.js';
import { figure, medianMs, type Benchmark } from './harness.js';

const COUNT = 500;
const body = randomBytes(4096);

/** Cost of the commit primitive: LocalLake.putIfAbsent against a plain fs.writeFile of the same bytes. */
export const benchmark: Benchmark = {
  name: 'lake put-if-absent (local, 4 KiB objects)',
  issue: 2,
  async run() {
    const root = await mkdtemp(join(tmpdir(), 'imagelake-bench-lake-'));
    let round = 0;
    try {
      const lakeMs = await medianMs(async () => {
        const lake = new LocalLake(join(root, `lake-${round++}`));
        for (let i = 0; i < COUNT; i++) await lake.putIfAbsent(`objects/o-${i}`, body);
      });
      const plainMs = await medianMs(async () => {
        const dir = join(root, `plain-${round++}`, 'objects');
        await mkdir(dir, { recursive: true });
        for (let i = 0; i < COUNT; i++) await writeFile(join(dir, `o-${i}`), body);
      });
      return [
        figure({
          name: 'objects/s',
          value: (COUNT / lakeMs) * 1000,
          unit: 'objects/s',
          baseline: { name: 'fs.writeFile (not atomic, not exclusive)', value: (COUNT / plainMs) * 1000 },
          note: 'put-if-absent writes a temp file, fsyncs it and hard-links it into place',
        }),
      ];
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  },
};

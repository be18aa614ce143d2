import { existsSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

// The worker image is not built in CI (no Docker here): at least every path it copies or runs
// must exist, so a moved file cannot leave the image broken unnoticed.
it('the worker Dockerfile copies and runs only paths that exist', () => {
  const root = new URL('../../', import.meta.url);
  const text = readFileSync(new URL('infra/Dockerfile', root), 'utf8');
  const copied = [...text.matchAll(/^COPY (.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
  const run = [...text.matchAll(/tsx (\S+\.ts)/g)].map((m) => m[1]!);
  expect(run.length).toBeGreaterThan(0);
  const missing = [...copied, ...run].filter((path) => !existsSync(new URL(path, root)));
  expect(missing).toEqual([]);
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { activityRetry } from '../../workflows/retry.js';

const root = new URL('../../', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(root, dir, f));
}

it('never retries a UserError: every subclass is listed, since a failure is typed by its class name', () => {
  const subclasses = ['lib', 'activities']
    .flatMap(sources)
    .flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/class (\w+) extends UserError\b/g)].map((m) => m[1]!),
    );
  expect(subclasses).toContain('AliasConflictError');
  expect([...(activityRetry.nonRetryableErrorTypes ?? [])].sort()).toEqual(
    ['UserError', ...subclasses].sort(),
  );
});

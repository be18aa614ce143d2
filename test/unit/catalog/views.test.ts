import { readdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import { VIEW_NAMES, viewSql } from '../../../lib/catalog/views.js';

it('defines one view per sql/ file, each with a one-line comment saying what it shows', () => {
  const files = readdirSync(new URL('../../../sql/', import.meta.url)).filter((f) => f.endsWith('.sql'));
  expect(files.map((f) => f.replace(/\.sql$/, '')).sort()).toEqual([...VIEW_NAMES].sort());
  for (const view of VIEW_NAMES) {
    const { comment, select } = viewSql(view);
    expect(comment.length, view).toBeGreaterThan(20);
    expect(select, view).toMatch(/^(SELECT|WITH)\b/);
    expect(select, view).not.toMatch(/;\s*$/);
  }
});

import { describe, expect, it } from 'vitest';
import { compileLabelRegex, labelFromPath, parseLabelManifest } from '../../../lib/ingest/labels.js';
import { inferClasses } from '../../../lib/ingest/plan.js';

describe('labels', () => {
  it.each([
    ['parent-dir', { kind: 'parent-dir' as const }, 'train/cat/001.png', 'cat'],
    ['parent-dir at the root', { kind: 'parent-dir' as const }, '001.png', null],
    ['regex', { kind: 'regex' as const, pattern: '^(\\d+)_' }, 'any/dir/3_0123.png', '3'],
    ['regex without match', { kind: 'regex' as const, pattern: '^(\\d+)_' }, 'x.png', null],
    ['none', { kind: 'none' as const }, 'cat/1.png', null],
  ])('%s', (_name, rule, path, label) => expect(labelFromPath(path, rule)).toBe(label));

  it('checks that a label regex has exactly one group', () => {
    expect(() => compileLabelRegex('^\\d+_')).toThrow(/exactly one capture group, it has 0/);
    expect(() => compileLabelRegex('(a)(b)')).toThrow(/it has 2/);
    expect(() => compileLabelRegex('([')).toThrow(/invalid --label-regex/);
  });

  it('parses CSV manifests with quoted cells and JSON manifests', () => {
    const csv = parseLabelManifest('label,path\n"a, b",./x/1.png\ncat,"y/2.png"\n', 'm.csv');
    expect([...csv]).toEqual([
      ['x/1.png', 'a, b'],
      ['y/2.png', 'cat'],
    ]);
    expect([...parseLabelManifest('[{"path":"1.png","label":"dog"}]', 'm.json')]).toEqual([['1.png', 'dog']]);
    expect([...parseLabelManifest('{"1.png":"dog"}', 'm.json')]).toEqual([['1.png', 'dog']]);
    expect(() => parseLabelManifest('file,class\n', 'm.csv')).toThrow(
      /needs a header with "path" and "label"/,
    );
    expect(() => parseLabelManifest('[{"path":1}]', 'm.json')).toThrow(
      /entry 0 needs string "path" and "label"/,
    );
    expect(labelFromPath('x/1.png', { kind: 'manifest', path: 'm.csv' }, csv)).toBe('a, b');
  });

  it('infers classes numerically for numeric labels', () => {
    expect(inferClasses(['10', '2', null, '1', '2'])).toEqual(['1', '2', '10']);
    expect(inferClasses(['dog', 'cat'])).toEqual(['cat', 'dog']);
  });
});

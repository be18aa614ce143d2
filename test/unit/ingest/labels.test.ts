import { describe, expect, it } from 'vitest';
import { createLabeler, labelReportLines } from '../../../lib/ingest/labeler.js';
import { compileLabelRegex, parseLabelManifest, type LabelRule } from '../../../lib/ingest/labels.js';
import { inferClasses } from '../../../lib/ingest/plan.js';
import { reliability } from '../../reliability/tally.js';

const labelOf = (rule: LabelRule, path: string, manifest?: Map<string, string>) =>
  createLabeler(rule, manifest).label(path);

describe('labels', () => {
  it.each([
    ['parent-dir', { kind: 'parent-dir' as const }, 'train/cat/001.png', 'cat'],
    ['parent-dir at the root', { kind: 'parent-dir' as const }, '001.png', null],
    ['regex', { kind: 'regex' as const, pattern: '^(\\d+)_' }, 'any/dir/3_0123.png', '3'],
    ['regex without match', { kind: 'regex' as const, pattern: '^(\\d+)_' }, 'x.png', null],
    ['regex with an empty capture', { kind: 'regex' as const, pattern: '^(\\d*)_' }, '_1.png', null],
    ['none', { kind: 'none' as const }, 'cat/1.png', null],
  ])('%s', (_name, rule, path, label) => expect(labelOf(rule, path)).toBe(label));

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
    expect([...parseLabelManifest('{"1.png":"dog \\": 1.png", "2.png": "cat"}', 'm.json')]).toEqual([
      ['1.png', 'dog ": 1.png'],
      ['2.png', 'cat'],
    ]);
    expect(() => parseLabelManifest('file,class\n', 'm.csv')).toThrow(
      /needs a header with "path" and "label"/,
    );
    expect(labelOf({ kind: 'manifest', path: 'm.csv' }, 'x/1.png', csv)).toBe('a, b');
  });

  it('keeps a row repeated with the same label once', () => {
    expect([...parseLabelManifest('path,label\na.png,cat\n./a.png, cat\n', 'm.csv')]).toEqual([
      ['a.png', 'cat'],
    ]);
  });

  it.each([
    [
      'an empty label',
      'path,label\na.png,cat\nb.png,\n',
      /^ingest: label manifest m.csv refused, nothing ingested: m.csv:3: empty label$/,
    ],
    ['a blank label', 'path,label\nb.png,  \n', /m.csv:2: empty label$/],
    [
      'a file labeled twice differently',
      'path,label\na.png,cat\nb.png,dog\n./a.png,dog\n',
      /refused, nothing ingested: m.csv:4: a.png labeled "dog" here and "cat" earlier in the file$/,
    ],
    ['an empty path', 'path,label\n,cat\n', /m.csv:2: empty path$/],
    ['too few columns', 'path,label\na.png\n', /m.csv:2: too few columns$/],
    ['no rows', 'path,label\n', /^ingest: label manifest m.csv has no label rows$/],
    ['a JSON entry without a label', '[{"path":"a.png"}]', /m.csv:0: needs string "path" and "label"$/],
    ['a JSON object with an empty label', '{"a.png":""}', /m.csv: "a.png": empty label$/],
    [
      'a JSON object giving a path twice',
      '{"a.png":"cat","b.png":"dog","a.png":"dog"}',
      /m.csv: "a.png": a key given twice \(JSON keeps only the last\)$/,
    ],
    [
      'many bad rows',
      'path,label\na,\nb,\nc,\nd,\ne,\nf,\n',
      /m.csv:2: empty label; .*; m.csv:6: empty label \(and 1 more\)$/,
    ],
  ])('refuses a manifest with %s, naming the rows', (_name, text, message) => {
    reliability('bad-input');
    expect(() => parseLabelManifest(text, 'm.csv')).toThrow(message);
  });

  it('reports manifest rows for missing files and files without a label', () => {
    const manifest = parseLabelManifest('path,label\na.png,cat\ngone.png,dog\nold/x.png,dog\n', 'm.csv');
    const labeler = createLabeler({ kind: 'manifest', path: 'm.csv' }, manifest);
    expect(['a.png', 'b.png'].map((f) => labeler.label(f))).toEqual(['cat', null]);
    const report = labeler.finish()!;
    expect(report).toEqual({
      rule: 'label manifest m.csv',
      files: 2,
      labeled: 1,
      unlabeledExamples: ['b.png'],
      missing: 2,
      missingExamples: ['gone.png', 'old/x.png'],
    });
    expect(labelReportLines(report)).toEqual([
      'ingest: 1 of 2 files got no label from label manifest m.csv (e.g. "b.png"): ingested without a label',
      'ingest: 2 rows of label manifest m.csv name files that are not in the source (e.g. "gone.png", "old/x.png")',
    ]);
  });

  it('refuses a rule that labels none of the files, unless unlabeled files are allowed', () => {
    reliability('bad-input', 3);
    const files = ['a!.png', 'b.png', 'c.png', 'd.png'];
    const finish = (rule: LabelRule, manifest?: Map<string, string>) => {
      const labeler = createLabeler(rule, manifest);
      for (const f of files) labeler.label(f);
      return labeler.finish();
    };
    expect(() => finish({ kind: 'regex', pattern: '^(\\d+)_' })).toThrow(
      /^ingest: --label-regex "\^\(\\\\d\+\)_" labeled none of the 4 files \(e.g. "a!.png", "b.png", "c.png"\): nothing ingested; pass --allow-unlabeled to ingest them without labels$/,
    );
    expect(() => finish({ kind: 'manifest', path: 'm.csv' }, new Map([['x.png', 'cat']]))).toThrow(
      /^ingest: label manifest m.csv labeled none of the 4 files \(e.g. .*\), its rows name "x.png": nothing ingested/,
    );
    expect(() => finish({ kind: 'parent-dir' })).toThrow(/^ingest: --labels dir labeled none of the 4 files/);
    expect(finish({ kind: 'regex', pattern: '^(\\d+)_', allowUnlabeled: true })).toMatchObject({
      files: 4,
      labeled: 0,
    });
    expect(finish({ kind: 'none' })).toBeUndefined();
    expect(createLabeler({ kind: 'regex', pattern: '^(\\d+)_' }).finish()).toMatchObject({ files: 0 });
  });

  it('infers classes numerically for numeric labels', () => {
    expect(inferClasses(['10', '2', null, '1', '2'])).toEqual(['1', '2', '10']);
    expect(inferClasses(['dog', 'cat'])).toEqual(['cat', 'dog']);
  });
});

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileLabelRegex } from '../../../lib/ingest/labels.js';
import { reliability } from '../../reliability/tally.js';

const labels = fileURLToPath(new URL('../../../lib/ingest/labels.ts', import.meta.url));

/**
 * Labels `name` with `pattern` in a child process and returns the milliseconds the match took: a
 * backtracking engine would hold a thread for hours, and a child can be killed where this one
 * could not.
 */
function timedLabel(pattern: string, name: string): { label: string | null; ms: number } {
  const script = `
    import { compileLabelRegex } from ${JSON.stringify(labels)};
    const regex = compileLabelRegex(${JSON.stringify(pattern)});
    const started = performance.now();
    const label = regex.label(${JSON.stringify(name)});
    console.log(JSON.stringify({ label, ms: performance.now() - started }));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    timeout: 30_000,
    encoding: 'utf8',
  });
  return JSON.parse(out) as { label: string | null; ms: number };
}

describe('label regexes run in linear time (RE2)', () => {
  it.each([
    ['nested quantifiers on 40 a and a "!"', '^(a+)+$', `${'a'.repeat(40)}!`],
    ['alternation that overlaps, on 10k characters', '^((?:a|a)*)$', `${'a'.repeat(10_000)}!`],
    ['a star of stars on 100k characters', '^(a*)*b$', 'a'.repeat(100_000)],
  ])('a catastrophic pattern for a backtracking engine finishes at once: %s', (_name, pattern, name) => {
    reliability('bad-input');
    const { label, ms } = timedLabel(pattern, name);
    expect(label).toBeNull();
    expect(ms).toBeLessThan(2_000);
  });

  it('labels as the one capture group says', () => {
    expect(compileLabelRegex('^(\\d+)_').label('3_0123.png')).toBe('3');
    expect(compileLabelRegex('(?i)^(cat|dog)').label('DOG-1.png')).toBe('DOG');
    expect(compileLabelRegex('^(?P<cls>[a-z]+)-').label('bag-7.png')).toBe('bag');
    expect(compileLabelRegex('^(\\d+)?x').label('x.png')).toBeNull();
  });

  it.each([
    ['a backreference', '(a)\\1', /invalid escape sequence: `\\1`/],
    ['a lookahead', '(a)(?=b)', /invalid or unsupported Perl syntax: `\(\?=`/],
    ['a negative lookahead', '(a)(?!b)', /invalid or unsupported Perl syntax: `\(\?!`/],
    ['an unclosed class', '([', /missing closing \]/],
    ['a huge repeat', '(a{2000})', /invalid repeat count/],
  ])('refuses %s in one line naming RE2', (_name, pattern, reason) => {
    reliability('bad-input');
    let message = '';
    try {
      compileLabelRegex(pattern);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^ingest: invalid --label-regex ".*": /);
    expect(message).toMatch(reason);
    expect(message).toMatch(/\(RE2 syntax, which runs in linear time: no backreferences or lookaround\)$/);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RENDITION,
  renderImage,
  renderImageNow,
  type RenditionSpec,
} from '../../../lib/image/index.js';
import {
  digest,
  rejectionDigest,
  renditionCorpus,
  type LegacyOptions,
} from '../../fixtures/renditions/corpus.js';

// What the normalization before renditions made of the corpus (test/fixtures/renditions/
// record-golden.ts ran it at the commit the file names): the default rendition, and specs of the
// same options, must make exactly the same.
const golden = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/renditions/default-golden.json'), 'utf8'),
) as { recordedFrom: string; entries: Record<string, string> };

function specOf(o: LegacyOptions): RenditionSpec {
  if (Object.keys(o).length === 0) return DEFAULT_RENDITION;
  return {
    ...DEFAULT_RENDITION,
    name: 'variant',
    width: o.width!,
    height: o.height!,
    fit: o.fit!,
    polarity: o.invert!,
  };
}

describe('the default rendition', () => {
  it('is bit-identical to the normalization it replaces, on real images and hostile inputs', async () => {
    const corpus = await renditionCorpus();
    expect(corpus.map((e) => e.key).sort()).toEqual(Object.keys(golden.entries).sort());
    const differing: string[] = [];
    for (const entry of corpus) {
      const now = await renderImage(entry.bytes, specOf(entry.options)).then(digest, rejectionDigest);
      if (now !== golden.entries[entry.key])
        differing.push(`${entry.key}: ${golden.entries[entry.key]} -> ${now}`);
    }
    expect(differing).toEqual([]);
    // The corpus covers what it is meant to: the fast path, sharp's, every variant and refusals.
    const kinds = Object.values(golden.entries);
    expect(kinds.filter((k) => k.startsWith('rejected:')).length).toBe(6);
    expect(corpus.length).toBeGreaterThan(1500);
  }, 180_000);

  it('keeps the fast path: a 28x28 gray PNG or PGM is rendered without a promise', async () => {
    const corpus = await renditionCorpus();
    const fast = corpus.filter((e) => /^fashion\/(train|test|idx|rgb|light)\//.test(e.key));
    expect(fast.length).toBe(1200);
    for (const e of fast) expect(renderImageNow(e.bytes, DEFAULT_RENDITION)).not.toBeInstanceOf(Promise);
  }, 120_000);
});

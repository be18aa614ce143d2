import { describe, expect, it } from 'vitest';
import { BatchCache } from '../../../lib/dataset/batch-cache.js';

const file = (count: number, value: number) =>
  Array.from({ length: count }, () => ({
    image_id: 'abcd',
    width: 2,
    height: 2,
    pixels: Buffer.alloc(4, value),
  }));
/** 4 pixels, a 4-character id and the 16 bytes counted for an id string's header. */
const IMAGE = 4 + 4 + 16;

describe('BatchCache', () => {
  it('keeps copies of the pixels and ids within its budget, dropping the least recently used files', () => {
    const cache = new BatchCache(3 * 10 * IMAGE); // three files of 10 images
    const a = file(10, 1);
    cache.offer('a', a);
    cache.offer('b', file(10, 2));
    cache.offer('c', file(10, 3));
    expect(cache.bytes).toBe(3 * 10 * IMAGE);
    a[0]!.pixels.fill(9); // a copy was kept, not the caller's views
    expect([...cache.get('a')![0]!.pixels]).toEqual([1, 1, 1, 1]);
    expect(cache.get('a')![9]!.image_id).toBe('abcd');
    cache.offer('d', file(10, 4)); // b is now the least recently used
    expect(['a', 'b', 'c', 'd'].map((k) => cache.has(k))).toEqual([true, false, true, true]);
    expect(cache.bytes).toBe(3 * 10 * IMAGE);
    cache.offer('e', file(20, 5)); // needs two files' room: c and a go
    expect(['a', 'c', 'd', 'e'].map((k) => cache.has(k))).toEqual([false, false, true, true]);
    expect(cache.files).toBe(2);
    expect(cache.bytes).toBe(3 * 10 * IMAGE);
    cache.offer('huge', file(31, 6)); // larger than the whole budget: not kept, nothing dropped
    expect(cache.has('huge')).toBe(false);
    expect(cache.files).toBe(2);
  });
});

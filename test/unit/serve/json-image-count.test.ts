import { expect, it } from 'vitest';
import { jsonImageCount } from '../../../lib/serve/json-image-count.js';

it.each([
  ['{"images": ["a", "b", "c"]}', 3],
  ['{"images":[]}', 0],
  ['{ "images" : [ "a" ] }', 1],
  ['\n{"other": ["x", "y"], "images": ["a", "b"]}', 2],
  ['{"images": ["a,b", "c\\"],[d", "e\\\\"]}', 3], // commas, quotes and brackets inside strings
  ['{"images": [["a", "b"], {"c": [1, 2]}, 3]}', 3], // nested elements count once
  ['{"meta": {"images": ["x", "y", "z"]}, "images": ["a"]}', 1], // only the top-level key
  ['{"images": ["a"], "images": ["a", "b"]}', 2], // the last one, as JSON.parse keeps
  ['{"images": "not a list"}', undefined],
  ['{"imag\\u0065s": ["a"]}', undefined], // escaped key: left to JSON.parse
  ['{"label": "images", "x": ["a", "b"]}', undefined], // a value spelled images is no key
  ['[1, 2]', undefined],
  ['', undefined],
])('counts the images of %s as %s', (body, count) => {
  expect(jsonImageCount(Buffer.from(body))).toBe(count);
  if (count !== undefined) expect(count).toBe((JSON.parse(body) as { images: unknown[] }).images.length);
});

it('counts a body of 100,000 images', () => {
  const body = Buffer.from(JSON.stringify({ images: Array.from({ length: 100_000 }, (_, i) => `img${i}`) }));
  expect(jsonImageCount(body)).toBe(100_000);
});

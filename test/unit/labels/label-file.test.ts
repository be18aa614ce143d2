import { describe, expect, it } from 'vitest';
import { parseLabelFile } from '../../../lib/labels/label-file.js';
import { parseCsv } from '../../../lib/util/csv.js';

const id = 'a'.repeat(32);
const sha = 'B'.repeat(64);

describe('label import files', () => {
  it('reads CSV by image_id or sha256, with optional weight and quoted fields', () => {
    const rows = parseLabelFile(
      'fix.csv',
      `image_id,sha256,label,weight\r\n${id},,"Shirt, long",0.5\n,${sha},"say ""hi""",\n`,
    );
    expect(rows).toEqual([
      { line: 2, imageId: id, sha256: null, label: 'Shirt, long', weight: 0.5 },
      { line: 3, imageId: null, sha256: sha.toLowerCase(), label: 'say "hi"', weight: 1 },
    ]);
  });

  it('reads a JSON array', () => {
    expect(parseLabelFile('fix.json', JSON.stringify([{ image_id: id, label: 'Bag' }]))).toEqual([
      { line: 0, imageId: id, sha256: null, label: 'Bag', weight: 1 },
    ]);
  });

  it.each([
    ['no id column', 'label\nBag\n', /header must name label and image_id or sha256/],
    ['a bad id', `image_id,label\nxyz,Bag\n`, /fix.csv:2: image_id "xyz"/],
    ['an empty label', `image_id,label\n${id},\n`, /fix.csv:2: empty label/],
    ['a weight out of range', `image_id,label,weight\n${id},Bag,2\n`, /weight must be in \[0, 1\]/],
    ['one image with two labels', `image_id,label\n${id},Bag\n${id},Coat\n`, /labeled "Coat" here and "Bag"/],
    ['no rows', 'image_id,label\n', /no label rows/],
    ['an unclosed quote', `image_id,label\n${id},"Bag\n`, /quoted field is not closed/],
    ['not JSON', '[{"image_id": ', /not valid JSON/],
  ])('refuses a file with %s, importing nothing', (_name, text, message) =>
    expect(() => parseLabelFile('fix.csv', text)).toThrow(message),
  );

  it('CSV keeps newlines inside quotes and counts lines for messages', () => {
    expect(parseCsv('x', 'a,b\n"1\n2",3\n4,5')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1\n2', '3'] },
      { line: 4, fields: ['4', '5'] },
    ]);
  });
});

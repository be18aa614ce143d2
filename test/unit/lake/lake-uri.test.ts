import { describe, expect, it } from 'vitest';
import { parseLakeUri } from '../../../lib/lake/lake-uri.js';

describe('lake URI', () => {
  it.each([
    ['./lake', { kind: 'local', path: './lake' }],
    ['/data/lake', { kind: 'local', path: '/data/lake' }],
    ['file:///data/lake', { kind: 'local', path: '/data/lake' }],
    ['s3://my-bucket', { kind: 's3', bucket: 'my-bucket', prefix: '' }],
    ['s3://my-bucket/', { kind: 's3', bucket: 'my-bucket', prefix: '' }],
    ['s3://my-bucket/a/b/', { kind: 's3', bucket: 'my-bucket', prefix: 'a/b' }],
  ])('parses %s', (uri, expected) => expect(parseLakeUri(uri)).toEqual(expected));

  it.each([
    ['', /empty lake URI/],
    ['s3://', /invalid bucket name ""/],
    ['s3://Bad_Bucket/x', /invalid bucket name "Bad_Bucket"/],
    ['s3://ab', /invalid bucket name/],
    ['s3://bucket/a//b', /invalid prefix/],
    ['s3://bucket/../x', /invalid prefix/],
    ['http://example.com/lake', /unsupported lake URI/],
    ['gs://bucket/x', /unsupported lake URI/],
  ])('rejects %j', (uri, reason) => expect(() => parseLakeUri(uri)).toThrow(reason));
});

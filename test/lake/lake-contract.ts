// One behavioural suite that both lake backends must pass identically.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { NotFoundError, type Lake } from '../../lib/lake/index.js';
import { reliability } from '../reliability/tally.js';

const text = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
};
/** The keys list() gives; listKeys() must give the very same ones. */
const keys = async (lake: Lake, prefix: string) => {
  const out: string[] = [];
  for await (const o of lake.list(prefix)) out.push(o.key);
  const bare: string[] = [];
  for await (const key of lake.listKeys(prefix)) bare.push(key);
  expect(bare).toEqual(out);
  return out;
};

export function lakeContract(name: string, open: () => Lake): void {
  describe(`${name} lake contract`, () => {
    const run = `t-${randomBytes(4).toString('hex')}`;

    it('puts, gets, heads and deletes', async () => {
      const lake = open();
      await lake.put(`${run}/a/one.txt`, 'hello');
      expect((await lake.get(`${run}/a/one.txt`)).toString()).toBe('hello');
      expect(await lake.head(`${run}/a/one.txt`)).toMatchObject({ key: `${run}/a/one.txt`, size: 5 });
      await lake.put(`${run}/a/one.txt`, 'hello again');
      expect((await lake.get(`${run}/a/one.txt`)).toString()).toBe('hello again');
      await lake.delete(`${run}/a/one.txt`);
      expect(await lake.head(`${run}/a/one.txt`)).toBeUndefined();
      await expect(lake.get(`${run}/a/one.txt`)).rejects.toBeInstanceOf(NotFoundError);
      await expect(lake.readStream(`${run}/missing`)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('putIfAbsent creates once and never overwrites', async () => {
      const lake = open();
      expect(await lake.putIfAbsent(`${run}/manifest.json`, 'first')).toBe(true);
      expect(await lake.putIfAbsent(`${run}/manifest.json`, 'second')).toBe(false);
      expect((await lake.get(`${run}/manifest.json`)).toString()).toBe('first');
    });

    it('putIfAbsent lets exactly one of many concurrent writers win', async () => {
      const lake = open();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => lake.putIfAbsent(`${run}/race.json`, `writer-${i}`)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect((await lake.get(`${run}/race.json`)).toString()).toBe(`writer-${winner}`);
    });

    it('lists recursively in key order, filtered by prefix', async () => {
      const lake = open();
      for (const key of ['b/2', 'a/1', 'a-x', 'a/sub/3', 'ab']) await lake.put(`${run}/list/${key}`, key);
      expect(await keys(lake, `${run}/list/`)).toEqual(
        ['a-x', 'a/1', 'a/sub/3', 'ab', 'b/2'].map((k) => `${run}/list/${k}`),
      );
      expect(await keys(lake, `${run}/list/a`)).toEqual(
        ['a-x', 'a/1', 'a/sub/3', 'ab'].map((k) => `${run}/list/${k}`),
      );
      expect(await keys(lake, `${run}/list/a/`)).toEqual(['a/1', 'a/sub/3'].map((k) => `${run}/list/${k}`));
      expect(await keys(lake, `${run}/nothing/`)).toEqual([]);
    });

    it('lists many folders, nested, in key order (past the listings a local walk reads ahead)', async () => {
      const lake = open();
      const expected: string[] = [];
      for (let d = 0; d < 20; d++) {
        for (const leaf of ['f', 'sub/g', 'sub/deeper/h']) expected.push(`${run}/many/d${d}/${leaf}`);
      }
      expected.push(`${run}/many/d7-file`);
      await Promise.all(expected.map((key) => lake.put(key, 'x')));
      expect(await keys(lake, `${run}/many/`)).toEqual([...expected].sort());
      expect(await keys(lake, `${run}/many/d1`)).toEqual(
        expected.filter((k) => k.startsWith(`${run}/many/d1`)).sort(),
      );
    });

    it('streams byte ranges', async () => {
      const lake = open();
      await lake.put(`${run}/range.bin`, '0123456789');
      expect(await text(await lake.readStream(`${run}/range.bin`, { start: 2, end: 5 }))).toBe('234');
      expect(await text(await lake.readStream(`${run}/range.bin`, { start: 7 }))).toBe('789');
    });

    it('streams a large object in (multipart on S3) byte for byte', async () => {
      const lake = open();
      const data = randomBytes(20 * 1024 * 1024);
      const chunks = function* () {
        for (let i = 0; i < data.length; i += 1024 * 1024) yield data.subarray(i, i + 1024 * 1024);
      };
      await lake.writeStream(`${run}/big.bin`, Readable.from(chunks()));
      const back = await lake.get(`${run}/big.bin`);
      expect(back.length).toBe(data.length);
      expect(back.equals(data)).toBe(true);
    });

    it.each(['../x', 'a//b', '/abs', 'a/%2e%2e/b', 'a\\b', 'x'.repeat(1025)])(
      'rejects key %j before any request',
      async (key) => {
        reliability('bad-input');
        const lake = open();
        await expect(lake.put(key, 'x')).rejects.toThrow(/^lake: invalid key/);
        await expect(lake.get(key)).rejects.toThrow(/^lake: invalid key/);
        await expect(lake.putIfAbsent(key, 'x')).rejects.toThrow(/^lake: invalid key/);
      },
    );
  });
}

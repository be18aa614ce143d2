import { describe, expect, it } from 'vitest';
import { Memo, type MemoKind } from '../../../lib/util/memo.js';

/** A value that records its disposal, like a model's tensors. */
class Resource {
  disposed = 0;
  constructor(
    readonly name: string,
    readonly size: number,
  ) {}
}
const RESOURCE: MemoKind<Resource> = {
  name: 'resource',
  bytes: (r) => r.size,
  dispose: (r) => void r.disposed++,
};
const NUMBERS = { name: 'numbers', bytes: (n) => n.length * 8 } satisfies MemoKind<number[]>;

describe('Memo', () => {
  it('loads a value once however many ask at once, and keeps it', async () => {
    const memo = new Memo(100);
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 10));
      return new Resource('a', 10);
    };
    const values = await Promise.all(
      Array.from({ length: 5 }, () => memo.use(RESOURCE, 'a', load, (r) => r)),
    );
    expect(loads).toBe(1);
    expect(new Set(values).size).toBe(1);
    await memo.use(RESOURCE, 'a', load, () => undefined);
    expect(loads).toBe(1);
    expect(memo.bytes).toBe(10);
  });

  it('evicts the least recently used values past its budget and disposes them', async () => {
    const memo = new Memo(30);
    const made: Record<string, Resource> = {};
    const use = (name: string) =>
      memo.use(
        RESOURCE,
        name,
        async () => (made[name] = new Resource(name, 10)),
        () => undefined,
      );
    for (const name of ['a', 'b', 'c']) await use(name);
    await use('a'); // b is now the least recently used
    await use('d');
    expect(Object.values(made).map((r) => [r.name, r.disposed])).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 0],
      ['d', 0],
    ]);
    expect(memo.size).toBe(3);
    expect(memo.bytes).toBe(30);
  });

  it('never disposes a value while it is in use: evicted meanwhile, it is disposed when its user is done', async () => {
    const memo = new Memo(20);
    const a = new Resource('a', 15);
    const b = new Resource('b', 15);
    const gates: (() => void)[] = [];
    const useUntilReleased = (r: Resource) =>
      memo.use(
        RESOURCE,
        r.name,
        async () => r,
        () => new Promise<void>((done) => gates.push(done)),
      );
    const usingA = useUntilReleased(a);
    await new Promise((r) => setTimeout(r, 0));
    const usingB = useUntilReleased(b); // over budget: a, the least recently used, is busy
    await new Promise((r) => setTimeout(r, 0));
    expect([a.disposed, b.disposed]).toEqual([0, 0]);
    gates[0]!(); // a's user is done: a goes, disposed, b stays in use
    await usingA;
    expect([a.disposed, b.disposed]).toEqual([1, 0]);
    gates[1]!();
    await usingB;
    expect(b.disposed).toBe(0); // within the budget now: kept
    expect(memo.bytes).toBe(15);
  });

  it('a value larger than the budget is used, then disposed; a failed load is not kept', async () => {
    const memo = new Memo(10);
    const huge = new Resource('huge', 50);
    expect(
      await memo.use(
        RESOURCE,
        'huge',
        async () => huge,
        (r) => r.disposed,
      ),
    ).toBe(0);
    expect(huge.disposed).toBe(1);
    expect(memo.size).toBe(0);
    let attempts = 0;
    const flaky = async () => {
      if (++attempts === 1) throw new Error('lake down');
      return new Resource('x', 1);
    };
    await expect(memo.use(RESOURCE, 'x', flaky, () => undefined)).rejects.toThrow('lake down');
    await memo.use(RESOURCE, 'x', flaky, () => undefined);
    expect(attempts).toBe(2);
  });

  it('counts a value that grew in place; clear disposes what is not in use', async () => {
    const memo = new Memo(100);
    const numbers = await memo.get(NUMBERS, 'n', async () => [1]);
    numbers.push(2, 3);
    memo.resized(NUMBERS, 'n', numbers);
    expect(memo.bytes).toBe(24);
    const r = new Resource('r', 10);
    await memo.use(
      RESOURCE,
      'r',
      async () => r,
      () => undefined,
    );
    memo.clear();
    expect(r.disposed).toBe(1);
    expect(memo.size).toBe(0);
  });

  it('keys are per kind; two kinds of one name are refused', async () => {
    const memo = new Memo(100);
    await memo.get(NUMBERS, 'k', async () => [1]);
    await memo.use(
      RESOURCE,
      'k',
      async () => new Resource('k', 1),
      () => undefined,
    );
    expect(memo.size).toBe(2);
    const impostor = { name: 'numbers', bytes: () => 1 } satisfies MemoKind<string>;
    await expect(memo.get(impostor, 'k', async () => 'x')).rejects.toThrow(
      'memo: "numbers:k" holds a value of another kind named numbers',
    );
    await memo.get(NUMBERS, 'k', async () => [2]); // still held nowhere: the refusal released it
    memo.clear();
    expect(memo.size).toBe(0);
  });
});

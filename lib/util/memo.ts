import { BudgetLru } from './budget-lru.js';

/** One kind of memoized value: its name (keys are per kind), its size, how to free it. */
export interface MemoKind<V> {
  readonly name: string;
  /** Bytes the value holds, as near as can be told: what the budget counts. */
  bytes(value: V): number;
  /** Frees what the garbage collector cannot (tensors); called once, when nobody uses the value. */
  dispose?(value: V): void;
}

interface Entry {
  readonly kind: MemoKind<never>;
  readonly value: unknown;
}

interface Pending {
  readonly done: Promise<Entry>;
  /** Callers waiting for the load: the value is kept held once for each. */
  waiters: number;
}

/**
 * A worker's memo of values that are costly to build and can be built again (a lake's committed
 * hashes, loaded models, decoded IDX files): loaded once however many callers ask at once, kept
 * within a byte budget, the least recently used going first. A value in use is never evicted, so
 * never disposed under its user; one evicted while used is disposed when its last user is done.
 */
export class Memo {
  readonly #lru: BudgetLru<Entry>;
  readonly #pending = new Map<string, Pending>();

  constructor(readonly budgetBytes: number) {
    this.#lru = new BudgetLru<Entry>(budgetBytes, (entry) => entry.kind.dispose?.(entry.value as never));
  }

  /** Runs `use` with the value of `key`, loading it if it is not kept; held until `use` settles. */
  async use<V, R>(
    kind: MemoKind<V>,
    key: string,
    load: () => Promise<V>,
    use: (value: V) => Promise<R> | R,
  ): Promise<R> {
    const id = `${kind.name}\n${key}`;
    const value = await this.#hold(kind, id, load);
    try {
      return await use(value);
    } finally {
      this.#lru.release(id);
    }
  }

  /**
   * The value of `key`, loaded if it is not kept, for kinds the garbage collector frees alone: the
   * caller may keep using it after the memo let it go.
   */
  get<V>(kind: MemoKind<V> & { dispose?: undefined }, key: string, load: () => Promise<V>): Promise<V> {
    return this.use(kind, key, load, (value) => value);
  }

  /** After a kept value grew or shrank in place: counts its new size. */
  resized<V>(kind: MemoKind<V>, key: string, value: V): void {
    const id = `${kind.name}\n${key}`;
    if (this.#lru.get(id)?.value === value) this.#lru.resize(id, kind.bytes(value));
  }

  /** Evicts (and disposes) every value not in use. */
  clear(): void {
    this.#lru.clear();
  }

  get bytes(): number {
    return this.#lru.bytes;
  }

  get size(): number {
    return this.#lru.size;
  }

  async #hold<V>(kind: MemoKind<V>, id: string, load: () => Promise<V>): Promise<V> {
    const kept = this.#lru.hold(id);
    if (kept) return this.#valueOf(kind, kept, id);
    let pending = this.#pending.get(id);
    if (!pending) {
      const started: Pending = {
        waiters: 0,
        done: load().then(
          (value) => {
            const entry: Entry = { kind: kind as MemoKind<never>, value };
            // Held once per waiter in the same step, so no eviction can come between.
            this.#pending.delete(id);
            this.#lru.set(id, entry, kind.bytes(value), started.waiters);
            return entry;
          },
          (error: unknown) => {
            this.#pending.delete(id); // a failed load is not kept: the next caller tries again
            throw error;
          },
        ),
      };
      this.#pending.set(id, (pending = started));
    }
    pending.waiters++;
    return this.#valueOf(kind, await pending.done, id);
  }

  /** The held entry's value, if it is of this kind (two kinds of one name would share keys). */
  #valueOf<V>(kind: MemoKind<V>, entry: Entry, id: string): V {
    if (entry.kind === (kind as MemoKind<never>)) return entry.value as V;
    this.#lru.release(id);
    throw new Error(`memo: "${id.replace('\n', ':')}" holds a value of another kind named ${kind.name}`);
  }
}

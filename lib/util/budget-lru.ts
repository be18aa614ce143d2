interface Slot<V> {
  readonly value: V;
  bytes: number;
  /** Users holding the value: a held value is never evicted. */
  holds: number;
}

/**
 * Values kept within a byte budget: past it, the least recently used values that nobody holds go
 * (`onEvict` frees what the garbage collector cannot, such as tensors). A value held while the
 * budget is exceeded stays until it is released; one larger than the whole budget goes as soon as
 * nobody holds it, before anything else.
 */
export class BudgetLru<V> {
  // Most recently used last: a Map keeps insertion order.
  readonly #slots = new Map<string, Slot<V>>();
  #bytes = 0;

  constructor(
    readonly budgetBytes: number,
    private readonly onEvict: (value: V, key: string) => void = () => {},
  ) {
    if (!(budgetBytes >= 0))
      throw new RangeError(`budget-lru: budget must be 0 or more bytes, got ${budgetBytes}`);
  }

  has(key: string): boolean {
    return this.#slots.has(key);
  }

  /** The value, now the most recently used; undefined when it is not kept. */
  get(key: string): V | undefined {
    return this.#touch(key)?.value;
  }

  /** Like get, and holds the value until `release(key)`. */
  hold(key: string): V | undefined {
    const slot = this.#touch(key);
    if (slot) slot.holds++;
    return slot?.value;
  }

  release(key: string): void {
    const slot = this.#slots.get(key);
    if (!slot || slot.holds === 0) throw new Error(`budget-lru: "${key}" is not held`);
    slot.holds--;
    this.#trim();
  }

  /**
   * Keeps a value (replacing none: the key must be new), held `holds` times already, then makes
   * room by evicting others.
   */
  set(key: string, value: V, bytes: number, holds = 0): void {
    if (this.#slots.has(key)) throw new Error(`budget-lru: "${key}" is kept already`);
    this.#slots.set(key, { value, bytes, holds });
    this.#bytes += bytes;
    this.#trim();
  }

  /** A kept value's new size, after it grew or shrank in place. */
  resize(key: string, bytes: number): void {
    const slot = this.#slots.get(key);
    if (!slot) return;
    this.#bytes += bytes - slot.bytes;
    slot.bytes = bytes;
    this.#trim();
  }

  /** Evicts every value nobody holds. */
  clear(): void {
    for (const [key, slot] of [...this.#slots]) if (slot.holds === 0) this.#evict(key, slot);
  }

  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#slots.size;
  }

  /** Keys from least to most recently used. */
  keys(): string[] {
    return [...this.#slots.keys()];
  }

  #touch(key: string): Slot<V> | undefined {
    const slot = this.#slots.get(key);
    if (slot) {
      this.#slots.delete(key);
      this.#slots.set(key, slot);
    }
    return slot;
  }

  #trim(): void {
    if (this.#bytes <= this.budgetBytes) return; // also: no single value exceeds the budget
    // A held value larger than the budget goes on its release: the others need not make room.
    let oversizedHeld = 0;
    for (const [key, slot] of [...this.#slots]) {
      if (slot.bytes <= this.budgetBytes) continue;
      if (slot.holds === 0) this.#evict(key, slot);
      else oversizedHeld += slot.bytes;
    }
    for (const [key, slot] of [...this.#slots]) {
      if (this.#bytes - oversizedHeld <= this.budgetBytes) return;
      if (slot.holds === 0) this.#evict(key, slot);
    }
  }

  #evict(key: string, slot: Slot<V>): void {
    this.#slots.delete(key);
    this.#bytes -= slot.bytes;
    this.onEvict(slot.value, key);
  }
}

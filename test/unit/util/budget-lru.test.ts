import { describe, expect, it } from 'vitest';
import { BudgetLru } from '../../../lib/util/budget-lru.js';

describe('BudgetLru', () => {
  it('keeps values within its budget, evicting the least recently used first', () => {
    const evicted: string[] = [];
    const lru = new BudgetLru<string>(30, (_, key) => evicted.push(key));
    lru.set('a', 'A', 10);
    lru.set('b', 'B', 10);
    lru.set('c', 'C', 10);
    expect(lru.get('a')).toBe('A'); // a is now the most recently used
    lru.set('d', 'D', 10);
    expect(evicted).toEqual(['b']);
    expect(lru.keys()).toEqual(['c', 'a', 'd']);
    lru.set('e', 'E', 20); // needs two values' room
    expect(evicted).toEqual(['b', 'c', 'a']);
    expect(lru.bytes).toBe(30);
    expect(lru.size).toBe(2);
  });

  it('never evicts a held value; past the budget, it goes when released', () => {
    const evicted: string[] = [];
    const lru = new BudgetLru<string>(20, (_, key) => evicted.push(key));
    lru.set('a', 'A', 10);
    expect(lru.hold('a')).toBe('A');
    lru.set('b', 'B', 10);
    lru.set('c', 'C', 10); // a is the least recently used, but held: b goes
    expect(evicted).toEqual(['b']);
    lru.hold('c');
    lru.set('d', 'D', 10, 1); // over budget, every value held: all stay for now
    expect(lru.keys()).toEqual(['a', 'c', 'd']);
    expect(lru.bytes).toBe(30);
    lru.release('a');
    expect(evicted).toEqual(['b', 'a']);
    expect(lru.bytes).toBe(20);
    lru.set('e', 'E', 10); // over budget again: the only value nobody holds goes at once
    expect(evicted).toEqual(['b', 'a', 'e']);
    expect(() => lru.release('a')).toThrow('budget-lru: "a" is not held');
  });

  it('lets a value larger than the whole budget go as soon as nobody holds it, before the others', () => {
    const evicted: string[] = [];
    const lru = new BudgetLru<string>(20, (_, key) => evicted.push(key));
    lru.set('a', 'A', 10);
    lru.set('huge', 'H', 50, 1); // held by its loader
    expect(evicted).toEqual([]);
    lru.release('huge');
    expect(evicted).toEqual(['huge']);
    expect(lru.keys()).toEqual(['a']);
  });

  it('counts a value that grew in place, and clear evicts all but what is held', () => {
    const evicted: string[] = [];
    const lru = new BudgetLru<string>(30, (_, key) => evicted.push(key));
    lru.set('a', 'A', 10);
    lru.set('b', 'B', 10);
    lru.resize('b', 25);
    expect(evicted).toEqual(['a']);
    expect(lru.bytes).toBe(25);
    lru.set('c', 'C', 5);
    lru.hold('c');
    lru.clear();
    expect(evicted).toEqual(['a', 'b']);
    expect(lru.keys()).toEqual(['c']);
  });
});

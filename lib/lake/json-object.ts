import type { Lake } from './lake.js';

/** A JSON object of the lake, undefined when the key does not exist. */
export async function readJson<T>(lake: Lake, key: string): Promise<T | undefined> {
  if (!(await lake.head(key))) return undefined;
  return JSON.parse((await lake.get(key)).toString()) as T;
}

/**
 * Publishes a JSON object once (put-if-absent) and returns what the key holds: ours, or the one a
 * concurrent or earlier writer published first. The commit step of every run and partition.
 */
export async function publishJson<T>(lake: Lake, key: string, value: T): Promise<T> {
  if (await lake.putIfAbsent(key, JSON.stringify(value, null, 2))) return value;
  return JSON.parse((await lake.get(key)).toString()) as T;
}

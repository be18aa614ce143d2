import { InvalidArgumentError } from 'commander';
import { assertLakeDirectory } from '../lib/lake/lake-directory.js';
import type { IntegerBound } from '../workflows/input-bounds.js';

/** Parses a positive integer option ("Expected a positive integer, got x"). */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`Expected a positive integer, got "${value}".`);
  return n;
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Parses a duration such as 7d, 12h, 30m or 45s (or 0) into milliseconds. */
export function durationMs(value: string): number {
  if (value === '0') return 0;
  const m = /^(\d+(?:\.\d+)?)([smhd])$/.exec(value);
  if (!m) throw new InvalidArgumentError(`Expected a duration such as 7d, 12h, 30m or 45s, got "${value}".`);
  return Math.round(Number(m[1]) * DURATION_UNITS_MS[m[2]!]!);
}

/** Parses an integer option that sizes work inside a workflow: refused outside its bound, before anything starts. */
export function boundedInt(bound: IntegerBound) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < bound.min || n > bound.max)
      throw new InvalidArgumentError(
        `Expected an integer from ${bound.min} to ${bound.max}, got "${value}".`,
      );
    return n;
  };
}

/** Parses WIDTHxHEIGHT. */
export function size(value: string): { width: number; height: number } {
  const m = /^(\d+)x(\d+)$/.exec(value);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1 || Number(m[1]) > 4096 || Number(m[2]) > 4096) {
    throw new InvalidArgumentError(`Expected WIDTHxHEIGHT such as 28x28, got "${value}".`);
  }
  return { width: Number(m[1]), height: Number(m[2]) };
}

export function oneOf<T extends string>(allowed: readonly T[]) {
  return (value: string): T => {
    if (!(allowed as readonly string[]).includes(value))
      throw new InvalidArgumentError(`Expected one of ${allowed.join(', ')}, got "${value}".`);
    return value as T;
  };
}

/** The `--lake` option every command that reads or writes the lake takes. */
export const LAKE_OPTION = [
  '--lake <uri>',
  'lake directory or s3://bucket/prefix (default IMAGELAKE_LAKE or ./lake)',
] as const;

/**
 * The lake a command works on: --lake, else the fallback. A malformed URI, or a local path that is
 * a file, fails here, before any work; `mustExist` (commands that only read) refuses a local
 * directory that does not exist.
 */
export function lakeUriOf(
  flag: string | undefined,
  fallback: string,
  options = { mustExist: false },
): string {
  const uri = flag ?? fallback;
  assertLakeDirectory(uri, options);
  return uri;
}

/** DuckDB's infinite timestamps are the extremes of int64 in any unit. */
const INFINITY = 2n ** 63n - 1n;

const NANOS_PER = { s: 1_000_000_000n, ms: 1_000_000n, us: 1_000n, ns: 1n } as const;

export type TimestampUnit = keyof typeof NANOS_PER;

/**
 * A timestamp given as a count of `unit` since the epoch, in ISO 8601: with `Z` for an instant
 * (TIMESTAMPTZ), without an offset for a zone-less clock time (TIMESTAMP), which names no
 * instant. Milliseconds always, further digits only when present (`.123456`). DuckDB's infinities
 * as `infinity` and `-infinity`; undefined beyond what a JS Date can hold.
 */
export function isoTimestamp(value: bigint, unit: TimestampUnit, instant: boolean): string | undefined {
  if (value >= INFINITY) return 'infinity';
  if (value <= -INFINITY) return '-infinity';
  const nanos = value * NANOS_PER[unit];
  let ms = nanos / 1_000_000n;
  let rest = nanos % 1_000_000n;
  if (rest < 0n) {
    ms -= 1n;
    rest += 1_000_000n;
  }
  const date = new Date(Number(ms));
  if (Number.isNaN(date.getTime())) return undefined;
  let fraction = rest === 0n ? '' : String(rest).padStart(6, '0');
  while (fraction.endsWith('000')) fraction = fraction.slice(0, -3);
  const text = `${date.toISOString().slice(0, -1)}${fraction}`;
  return instant ? `${text}Z` : text;
}

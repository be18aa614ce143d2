import { expect, it } from 'vitest';
import { isoTimestamp, type TimestampUnit } from '../../../lib/catalog/iso-timestamp.js';

it.each<[bigint, TimestampUnit, boolean, string | undefined]>([
  [1_700_000_000_123_456n, 'us', true, '2023-11-14T22:13:20.123456Z'],
  [1_700_000_000_123_456n, 'us', false, '2023-11-14T22:13:20.123456'],
  [1_700_000_000_000_000n, 'us', true, '2023-11-14T22:13:20.000Z'],
  [1_700_000_000_120_000n, 'us', true, '2023-11-14T22:13:20.120Z'],
  [1_700_000_000n, 's', false, '2023-11-14T22:13:20.000'],
  [1_700_000_000_001n, 'ms', false, '2023-11-14T22:13:20.001'],
  [1_700_000_000_000_000_007n, 'ns', false, '2023-11-14T22:13:20.000000007'],
  [-1n, 'us', true, '1969-12-31T23:59:59.999999Z'],
  [-1_000n, 'us', true, '1969-12-31T23:59:59.999Z'],
  [2n ** 63n - 1n, 'us', true, 'infinity'],
  [-(2n ** 63n - 1n), 'us', false, '-infinity'],
  [2n ** 63n - 2n, 'us', true, undefined], // 294247 AD: past a JS Date
])('%s %s (instant %s) is %s', (value, unit, instant, text) => {
  expect(isoTimestamp(value, unit, instant)).toBe(text);
});

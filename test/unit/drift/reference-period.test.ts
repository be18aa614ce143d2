import { expect, it } from 'vitest';
import { parseReferencePeriod } from '../../../lib/drift/reference-period.js';

it('parses training and ISO periods, and refuses bad ones with the reason', () => {
  expect(parseReferencePeriod('training')).toBeNull();
  expect(parseReferencePeriod('2026-11-01..2026-11-08')).toEqual({
    fromMs: Date.UTC(2026, 10, 1),
    toMs: Date.UTC(2026, 10, 8),
  });
  expect(parseReferencePeriod('2026-11-01T10:00:00Z..2026-11-01T10:30:00.500Z')).toEqual({
    fromMs: Date.UTC(2026, 10, 1, 10),
    toMs: Date.UTC(2026, 10, 1, 10, 30, 0, 500),
  });
  expect(() => parseReferencePeriod('last week')).toThrow(/must be "training" or <from>..<to>/);
  expect(() => parseReferencePeriod('2026-11-01..')).toThrow(/end "" is not an ISO date/);
  expect(() => parseReferencePeriod('yesterday..2026-11-01')).toThrow(/start "yesterday" is not/);
  expect(() => parseReferencePeriod('2026-11-08..2026-11-01')).toThrow(/start must be before its end/);
});

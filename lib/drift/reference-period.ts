import { UserError } from '../errors.js';

/** A reference window for drift: predictions scored from `fromMs` (inclusive) to `toMs` (exclusive). */
export interface ReferencePeriod {
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * Parses `--reference`: `training` (the model's own evaluation or training set: null) or
 * `<from>..<to>` with ISO dates or timestamps, e.g. `2026-11-01..2026-11-08`.
 */
export function parseReferencePeriod(text: string): ReferencePeriod | null {
  if (text === 'training') return null;
  const parts = text.split('..');
  if (parts.length !== 2)
    throw new UserError(`drift: --reference must be "training" or <from>..<to>, got "${text}"`);
  const [fromMs, toMs] = parts.map((p, i) => {
    const ms = Date.parse(p.trim());
    if (p.trim() === '' || Number.isNaN(ms))
      throw new UserError(
        `drift: --reference ${i === 0 ? 'start' : 'end'} "${p}" is not an ISO date or timestamp`,
      );
    return ms;
  }) as [number, number];
  if (fromMs >= toMs) throw new UserError(`drift: --reference start must be before its end, got "${text}"`);
  return { fromMs, toMs };
}

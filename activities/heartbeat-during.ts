import { Context } from '@temporalio/activity';

/** The most time between two heartbeats: the next one brings a cancellation to the activity. */
const MAX_HEARTBEAT_EVERY_MS = 1000;

/**
 * Heartbeats on a timer while `work` runs. A step without natural progress points (a listing, a
 * DuckDB query, a commit) still shows its worker is alive, so a dead worker is noticed within the
 * heartbeat timeout instead of the start-to-close timeout; and it hears of its cancellation (a
 * heartbeat's answer carries it). Cancelled, the activity fails at once as cancelled; `work` gets
 * the signal to stop what it started.
 */
export async function heartbeatDuring<T>(work: (cancelled: AbortSignal) => Promise<T>): Promise<T> {
  const ctx = Context.current();
  const everyMs = Math.min(
    MAX_HEARTBEAT_EVERY_MS,
    Math.max(100, (ctx.info.heartbeatTimeoutMs ?? 30_000) / 4),
  );
  const timer = setInterval(() => ctx.heartbeat(), everyMs);
  try {
    return await Promise.race([work(ctx.cancellationSignal), ctx.cancelled]);
  } finally {
    clearInterval(timer);
  }
}

/** An activity that heartbeats while it runs (see heartbeatDuring). */
export function heartbeating<I, O>(activity: (input: I) => Promise<O>): (input: I) => Promise<O> {
  return (input) => heartbeatDuring(() => activity(input));
}

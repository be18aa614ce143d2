import { Context } from '@temporalio/activity';

/**
 * Heartbeats on a timer while `work` runs. A step without natural progress points (a listing, a
 * DuckDB query, a commit) still shows its worker is alive, so a dead worker is noticed within the
 * heartbeat timeout instead of the start-to-close timeout.
 */
export async function heartbeatDuring<T>(work: () => Promise<T>): Promise<T> {
  const ctx = Context.current();
  const everyMs = Math.max(100, (ctx.info.heartbeatTimeoutMs ?? 30_000) / 4);
  const timer = setInterval(() => ctx.heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

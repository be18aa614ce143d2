import type { ActivityDeps } from '../../activities/index.js';
import { ingestLayout } from '../../lib/ingest/layout.js';
import type { Lake } from '../../lib/lake/lake.js';

type Write = (key: string, ...rest: unknown[]) => Promise<unknown>;

/**
 * Makes the worker's lakes run `before(key)` ahead of each put-if-absent (the commit primitive),
 * so a test can hold commits at their commit point or fail one there.
 */
export function beforePutIfAbsent(deps: ActivityDeps, before: (key: string) => Promise<void>): void {
  const open = deps.lakes.open.bind(deps.lakes);
  deps.lakes.open = (uri: string) => {
    const lake = open(uri);
    return new Proxy(lake, {
      get(target, prop) {
        if (prop === 'putIfAbsent') {
          const write = (target.putIfAbsent as Write).bind(target);
          return async (key: string, ...rest: unknown[]) => {
            await before(key);
            return write(key, ...rest);
          };
        }
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }) as Lake;
  };
}

/**
 * Holds every claim of a position in the ingest commit log until `runs` claims have arrived: the
 * runs then race for the same position with what each read before any of them committed, as
 * ingests that finish at the same moment do. Later claims (a loser trying the next position) pass.
 */
export function raceCommits(deps: ActivityDeps, runs: number): void {
  let arrived = 0;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  beforePutIfAbsent(deps, async (key) => {
    if (!key.startsWith(ingestLayout.commitLogPrefix)) return;
    if (++arrived >= runs) release();
    await released;
  });
}

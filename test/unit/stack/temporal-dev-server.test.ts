import { expect, it } from 'vitest';
import { temporalDevServer } from '../../../lib/stack/temporal-dev-server.js';

const values = (args: readonly string[]) =>
  args.flatMap((a, i) => (args[i - 1] === '--dynamic-config-value' ? [a] : []));

it('runs the dev server with one partition per task queue, unless the caller sets its own', () => {
  const base = { binary: 'temporal', port: 7233, uiPort: 8233 };
  expect(values(temporalDevServer(base).args)).toEqual([
    'matching.numTaskqueueReadPartitions=1',
    'matching.numTaskqueueWritePartitions=1',
  ]);
  const own = temporalDevServer({
    ...base,
    dynamicConfig: { 'matching.numTaskqueueReadPartitions': 4, 'limit.historyCount.error': 600 },
  });
  expect(values(own.args)).toEqual([
    'matching.numTaskqueueReadPartitions=4',
    'matching.numTaskqueueWritePartitions=1',
    'limit.historyCount.error=600',
  ]);
});

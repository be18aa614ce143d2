import { describe, expect, it } from 'vitest';
import { renderBenchmarks, type BenchRun } from '../../bench/docs.js';
import { figure } from '../../bench/harness.js';

const machine = { cpus: 2, cpu: 'Test CPU', memoryGiB: 24, node: 'v20.0.0' };

function run(at: string, results: BenchRun['results'], filter?: string): BenchRun {
  return { at, machine, results, ...(filter ? { filter } : {}) };
}

describe('benchmarks doc', () => {
  it('renders one dated table per run, newest first', () => {
    const older = run('2026-12-01T10:00:00.000Z', [
      {
        benchmark: 'ingest',
        issue: 3,
        figures: [figure({ name: 'ingest 100k', value: 21000, unit: 'images/s' })],
      },
    ]);
    const newer = run('2026-12-03T09:30:00.000Z', [], 'score');
    const doc = renderBenchmarks([older, newer]);
    expect(doc.indexOf('## 2026-12-03 09:30 UTC (only `score`)')).toBeGreaterThan(0);
    expect(doc.indexOf('## 2026-12-03')).toBeLessThan(doc.indexOf('## 2026-12-01 10:00 UTC'));
    expect(doc).toContain('| ingest 100k | 21,000 images/s |');
  });

  it('shows baselines as ratios, unmet targets loudly, failures and escaped cells', () => {
    const doc = renderBenchmarks([
      run('2026-12-03T00:00:00.000Z', [
        {
          benchmark: 'train',
          issue: 5,
          figures: [
            figure({
              name: 'mlp | wasm',
              value: 900,
              unit: 'samples/s',
              baseline: { name: 'stock', value: 450 },
              target: { op: '>=', value: 1000 },
            }),
          ],
        },
        { benchmark: 'score', issue: 7, error: 'worker died\nat start' },
      ]),
    ]);
    expect(doc).toContain('| mlp \\| wasm | 900 samples/s | stock: 450 | 2x | >= 1,000: **NOT MET** |');
    expect(doc).toContain('| score | **failed**: worker died at start | | | |');
  });
});

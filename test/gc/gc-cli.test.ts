import { readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Lake } from '../../lib/lake/lake.js';
import { ingestFashion } from '../catalog/helpers.js';
import { runCli } from '../cli/run-cli.js';
import { reliability } from '../reliability/tally.js';
import { withTestWorker } from '../setup/temporal.js';
import { abandonedRun } from './abandoned-run.js';
import { expectCommittedWhole } from './committed-whole.js';

const HOUR = 3_600_000;

/** Sets every file of the lake's folder back by `ms` (what a week of waiting would do). */
function age(dir: string, ms: number): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) age(path, ms);
    else utimesSync(path, new Date(Date.now() - ms), new Date(Date.now() - ms));
  }
}

const keys = async (lake: Lake, prefix = '') => {
  const out: string[] = [];
  for await (const key of lake.listKeys(prefix)) out.push(key);
  return out;
};

it('gc lists what no manifest references past the grace period, deletes it with --apply, never committed data', async () => {
  await withTestWorker(async ({ client, taskQueue, lakeUri, deps }) => {
    const lake = deps.lakes.open(lakeUri);
    await ingestFashion(client, taskQueue, lakeUri, 300, 'gc-committed');
    const abandoned = await abandonedRun(deps, lakeUri, 'gc-abandoned', 600);
    await lake.put('meta/predictions/score-gone/mlp-x/p000003.parquet', 'orphan predictions');
    await lake.put('checkpoints/mlp-unregistered/epoch-000001/state.json', '{}');
    await lake.put('checkpoints/mlp-unregistered/epoch-000001/weights.bin', 'w');
    await lake.put('notes/readme.txt', 'not imagelake: never touched');
    age(lakeUri, 2 * HOUR);
    // Written just now: a run in progress, inside any grace period.
    await abandonedRun(deps, lakeUri, 'gc-in-progress', 400);
    const before = await keys(lake);

    const dry = await runCli(['gc', '--lake', lakeUri, '--grace', '1h']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^gc: 3 units hold \d+ unreferenced objects/);
    expect(dry.stdout).toMatch(/ingest:gc-abandoned {2}never committed ingest/);
    expect(dry.stdout).toMatch(/score:score-gone {2}never committed score {2}1 objects/);
    expect(dry.stdout).toMatch(/model:mlp-unregistered {2}never committed model {2}2 objects/);
    expect(dry.stdout).not.toMatch(/gc-in-progress|gc-committed/);
    expect(dry.stdout).toMatch(/1 outside imagelake's layouts/);
    expect(dry.stdout).toMatch(/dry run: nothing deleted/);
    expect(await keys(lake)).toEqual(before);

    const applied = await runCli(['gc', '--lake', lakeUri, '--grace', '1h', '--apply', '--json']);
    expect(applied.code).toBe(0);
    const report = JSON.parse(applied.stdout) as { units: { unit: string; outcome: unknown }[] };
    expect(report.units.map((u) => [u.unit, u.outcome])).toEqual([
      ['ingest:gc-abandoned', 'deleted'],
      ['model:mlp-unregistered', 'deleted'],
      ['score:score-gone', 'deleted'],
    ]);
    const after = await keys(lake);
    expect(after.filter((k) => /gc-abandoned|score-gone|mlp-unregistered/.test(k))).toEqual([
      'gc/collected/ingest/gc-abandoned.json',
    ]);
    expect(after.filter((k) => k.includes('gc-in-progress')).length).toBeGreaterThan(0);
    expect(after).toContain('notes/readme.txt');
    expect(readdirSync(lakeUri)).not.toContain('checkpoints'); // no empty folders left
    expect(await expectCommittedWhole(deps, lakeUri)).toBe(300);

    // The collected run's commit (its workflow resumed after all) is refused, not published.
    await expect(abandoned.commit()).rejects.toThrow(
      /^ingest: run gc-abandoned was collected by imagelake gc at .*start it again under a new id$/,
    );
    expect(await lake.head('manifests/ingest/gc-abandoned.json')).toBeUndefined();
    const again = await runCli(['gc', '--lake', lakeUri, '--grace', '1h', '--apply']);
    expect(again.stdout).toMatch(/^gc: 0 units hold 0 unreferenced objects/);
  });
});

it('gc refuses a bad grace period and a lake that does not exist, in one line', async () => {
  reliability('bad-input', 2);
  const bad = await runCli(['gc', '--grace', '7 days']);
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toMatch(/Expected a duration such as 7d, 12h, 30m or 45s, got "7 days"/);
  const missing = await runCli(['gc', '--lake', '/nonexistent/lake']);
  expect(missing.code).toBe(1);
  expect(missing.stderr.trim()).toBe('imagelake: gc: no lake at /nonexistent/lake');
});

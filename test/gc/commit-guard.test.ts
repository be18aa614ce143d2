import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimForCollection, guardedCommit } from '../../lib/gc/commit-guard.js';
import { gcLayout } from '../../lib/gc/layout.js';
import type { Unit } from '../../lib/gc/units.js';
import { LocalLake, S3Lake, type Lake } from '../../lib/lake/index.js';
import { reliability } from '../reliability/tally.js';
import { testS3Client, testStack } from '../setup/stack.js';

const backends: [string, () => Lake][] = [
  ['local', () => new LocalLake(mkdtempSync(join(tmpdir(), 'imagelake-guard-')))],
  [
    'MinIO',
    () =>
      new S3Lake(
        testS3Client(),
        testStack().s3.bucket,
        `guard-${randomBytes(4).toString('hex')}`,
        testStack().s3.endpoint,
      ),
  ],
];

const manifestOf = (unit: Unit) => `manifests/ingest/${unit.id}.json`;

/** A commit that waits at a gate before it publishes, so a test can interleave gc with it. */
function pausedCommit(lake: Lake, unit: Unit, clean = async () => {}) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let reached!: () => void;
  const atGate = new Promise<void>((r) => (reached = r));
  const done = guardedCommit(
    lake,
    unit,
    async (guard) => {
      await guard.refuseIfCollected();
      reached();
      await gate;
      await guard.beforePublish();
      await lake.putIfAbsent(manifestOf(unit), '{}');
      return 'committed';
    },
    clean,
  );
  done.catch(() => undefined); // awaited by the test
  return { done, atGate, release };
}

describe.each(backends)('the commit guard against gc (%s lake)', (_name, open) => {
  it('gc that claims a unit while its commit is under way leaves it, and the commit goes through', async () => {
    reliability('fault');
    const lake = open();
    const unit: Unit = { kind: 'ingest', id: 'run-a' };
    const commit = pausedCommit(lake, unit);
    await commit.atGate;
    expect(await claimForCollection(lake, unit, Date.now(), 0)).toBe('a commit began meanwhile');
    commit.release();
    expect(await commit.done).toBe('committed');
    expect(await lake.head(manifestOf(unit))).toBeDefined();
    expect(await claimForCollection(lake, unit, Date.now(), 0)).toBe('committed meanwhile');
  });

  it('a commit that begins after gc claimed its unit is refused with a clear error, before it reads anything', async () => {
    reliability('fault');
    const lake = open();
    const unit: Unit = { kind: 'ingest', id: 'run-b' };
    expect(await claimForCollection(lake, unit, Date.now(), 0)).toBeUndefined();
    let ran = false;
    await expect(
      guardedCommit(lake, unit, async (guard) => {
        await guard.refuseIfCollected();
        ran = true;
        return 'committed';
      }),
    ).rejects.toThrow(
      /^ingest: run run-b was collected by imagelake gc at .*: start it again under a new id$/,
    );
    expect(ran).toBe(false);
    // A commit that does not ask early is refused at its commit point all the same.
    await expect(
      guardedCommit(lake, unit, async (guard) => {
        await guard.beforePublish();
        await lake.putIfAbsent(manifestOf(unit), '{}');
      }),
    ).rejects.toThrow(/was collected by imagelake gc/);
    expect(await lake.head(manifestOf(unit))).toBeUndefined();
    for await (const o of lake.list(gcLayout.intentPrefix(unit))) expect.fail(`intent left: ${o.key}`);
  });

  it('a retry of a commit that reached its commit point returns, even after a tombstone and before its manifest', async () => {
    const lake = open();
    const unit: Unit = { kind: 'ingest', id: 'run-c' };
    // The run's commit log entry exists (the commit point); its manifest is not published yet.
    await lake.put(gcLayout.tombstone(unit), '{"collectedAt":"x"}');
    const retry = guardedCommit(lake, unit, async () => 'published from the log entry');
    expect(await retry).toBe('published from the log entry');
  });

  it('cleans up after the commit only when no other attempt is under way, and leaves no intent', async () => {
    const lake = open();
    const unit: Unit = { kind: 'ingest', id: 'run-d' };
    const cleaned: string[] = [];
    const first = pausedCommit(lake, unit, async () => void cleaned.push('first'));
    const second = pausedCommit(lake, unit, async () => void cleaned.push('second'));
    await Promise.all([first.atGate, second.atGate]);
    first.release();
    await first.done;
    expect(cleaned).toEqual([]); // the second attempt may still read what a clean-up removes
    second.release();
    await second.done;
    expect(cleaned).toEqual(['second']);
    const intents: string[] = [];
    for await (const o of lake.list(gcLayout.intentPrefix(unit))) intents.push(o.key);
    expect(intents).toEqual([]);
  });

  it('an attempt that fails past the guard keeps its intent (it may have committed); one that fails before does not', async () => {
    reliability('fault');
    const lake = open();
    const unit: Unit = { kind: 'ingest', id: 'run-e' };
    const intents = async () => {
      const out: string[] = [];
      for await (const key of lake.listKeys(gcLayout.intentPrefix(unit))) out.push(key);
      return out;
    };
    await expect(
      guardedCommit(lake, unit, async () => {
        throw new Error('staging unreadable');
      }),
    ).rejects.toThrow('staging unreadable');
    expect(await intents()).toEqual([]);
    await expect(
      guardedCommit(lake, unit, async (guard) => {
        await guard.beforePublish();
        throw new Error('lost the connection after the commit point');
      }),
    ).rejects.toThrow('lost the connection');
    expect(await intents()).toHaveLength(1);
    expect(await claimForCollection(lake, unit, Date.now(), 0)).toBe('a commit began meanwhile');
  });
});

import * as tf from '@tensorflow/tfjs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createActivityDeps } from '../../activities/index.js';
import { knownHashes } from '../../activities/ingest/committed.js';
import { withRegisteredModel } from '../../activities/models/load-registered.js';
import { loadConfig } from '../../lib/config.js';
import { LocalLake } from '../../lib/lake/index.js';
import { buildModel, initBackend, saveModel } from '../../lib/model/index.js';
import { registryLayout } from '../../lib/registry/layout.js';
import type { ModelCard } from '../../lib/registry/model-card.js';
import { Memo } from '../../lib/util/memo.js';
import { ingestFashion } from '../catalog/helpers.js';
import { withTestWorker } from '../setup/temporal.js';

describe("a long-running worker's memo", () => {
  it('keeps one hash set per lake, extended run by run (not one more set per committed run)', async () => {
    await withTestWorker(async ({ client, taskQueue, lakeUri, deps }) => {
      const lake = deps.lakes.open(lakeUri);
      await ingestFashion(client, taskQueue, lakeUri, 100, 'h1');
      const first = await knownHashes(deps, lake, 'a-run-in-progress');
      expect(first.size).toBe(100);
      await ingestFashion(client, taskQueue, lakeUri, 250, 'h2'); // 150 new images
      const second = await knownHashes(deps, lake, 'a-run-in-progress');
      expect(second).toBe(first); // the same set, extended
      expect(second.size).toBe(250);
      // A late retry of a committed run's chunk must not find its own images known.
      const ownRun = `h2-${taskQueue}`;
      expect((await knownHashes(deps, lake, ownRun)).size).toBe(100);
      expect((await knownHashes(deps, lake, 'a-run-in-progress')).size).toBe(250);
    });
  });

  it('disposes the tensors of models it evicts, never those of a model in use', async () => {
    await initBackend();
    const lake = new LocalLake(mkdtempSync(join(tmpdir(), 'imagelake-memo-')));
    const cards: ModelCard[] = [];
    for (const seed of [1, 2, 3]) {
      const id = `mlp-memo-test-${seed}`;
      const built = buildModel('mlp', { width: 28, height: 28, classes: 10 }, seed);
      const artifacts = await saveModel(built);
      built.dispose();
      await lake.put(registryLayout.modelJson(id), artifacts.modelJson);
      await lake.put(registryLayout.weights(id), artifacts.weights);
      cards.push({
        id,
        artifacts: { modelJson: registryLayout.modelJson(id), weights: registryLayout.weights(id) },
      } as ModelCard);
    }
    const base = createActivityDeps(loadConfig());
    const oneModel = buildModel('mlp', { width: 28, height: 28, classes: 10 }, 9);
    const modelBytes = oneModel.countParams() * 4;
    oneModel.dispose();
    const deps = { ...base, memo: new Memo(modelBytes * 1.5) }; // room for one model
    const tensors = tf.memory().numTensors;
    const perModel = await withRegisteredModel(
      deps,
      lake,
      cards[0]!,
      async () => tf.memory().numTensors - tensors,
    );
    expect(perModel).toBeGreaterThan(0);
    // While the first model is in use, loading the others evicts only what is idle.
    await withRegisteredModel(deps, lake, cards[0]!, async (first) => {
      for (const card of cards.slice(1)) await withRegisteredModel(deps, lake, card, async () => undefined);
      tf.tidy(() => void first.predict(tf.zeros([1, 784]))); // still whole
      expect(tf.memory().numTensors - tensors).toBe(perModel); // the others went once used
    });
    expect(tf.memory().numTensors - tensors).toBe(perModel);
    deps.memo.clear();
    expect(tf.memory().numTensors).toBe(tensors);
  });
});

import { Context } from '@temporalio/activity';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type * as tf from '@tensorflow/tfjs';
import type { MemberLocations } from '../../lib/dataset/members.js';
import { readBatches } from '../../lib/dataset/reader.js';
import type { Lake } from '../../lib/lake/lake.js';
import { predictProbabilities } from '../../lib/model/index.js';
import type { ModelCard } from '../../lib/registry/model-card.js';

/** Class probabilities (n x classes, in member order) of every member, heartbeating as it goes. */
export async function predictMembers(
  lake: Lake,
  card: ModelCard,
  model: tf.LayersModel,
  members: MemberLocations,
): Promise<{ ids: string[]; probs: Float32Array }> {
  const k = card.classes.length;
  const probs = new Float32Array(members.length * k);
  const ids: string[] = [];
  const { width, height } = card.input;
  for await (const b of readBatches(lake, members, { batchSize: 1024, width, height })) {
    probs.set(predictProbabilities(model, b), ids.length * k);
    ids.push(...b.ids);
    Context.current().heartbeat({ predicted: ids.length });
    // The batches come through promises that are already resolved: without a turn of the event
    // loop here a partition would hold the thread for its whole file, and the worker could not
    // report the other activity's result or run a workflow task meanwhile.
    await yieldToEventLoop();
  }
  return { ids, probs };
}

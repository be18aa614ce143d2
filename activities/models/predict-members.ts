import { Context } from '@temporalio/activity';
import type * as tf from '@tensorflow/tfjs';
import type { MemberLocations } from '../../lib/dataset/members.js';
import { readBatches } from '../../lib/dataset/reader.js';
import type { Lake } from '../../lib/lake/lake.js';
import { predictProbabilities } from '../../lib/model/index.js';
import type { ModelCard } from '../../lib/registry/model-card.js';

/** Class probabilities (n x classes, in member order) of every member, heartbeating (and stopping when cancelled) as it goes. */
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
  for await (const b of readBatches(lake, members, { batchSize: 1024, width, height, recycle: true })) {
    probs.set(predictProbabilities(model, b), ids.length * k);
    ids.push(...b.ids);
    const ctx = Context.current();
    ctx.heartbeat({ predicted: ids.length });
    ctx.cancellationSignal.throwIfAborted();
  }
  return { ids, probs };
}

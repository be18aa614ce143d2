import { Context } from '@temporalio/activity';
import type { SplitName } from '../../lib/dataset/splits.js';
import { DEFAULT_GATE, gateDecision, type GateConfig, type GateDecision } from '../../lib/eval/gate.js';
import { AliasConflictError, currentAlias, moveAlias, validateAlias } from '../../lib/registry/aliases.js';
import { resolveModel } from '../../lib/registry/resolve-model.js';
import type { ActivityDeps } from '../deps.js';
import { createEvaluateModel } from './evaluate-model.js';

export interface PromoteInput {
  readonly lakeUri: string;
  readonly candidate: string;
  readonly alias: string;
  /** Dataset version both models are judged on; default: the candidate's own. */
  readonly dataset?: string;
  readonly split?: SplitName;
  /** Absent: promote without a gate (a manual decision, recorded as such). */
  readonly gate?: Partial<GateConfig>;
  /** Promote only if the alias points to this model now (null: unset); otherwise a conflict. */
  readonly ifCurrent?: string | null;
}

export interface PromotionRecord extends GateDecision {
  readonly kind: 'promotion';
  readonly alias: string;
  readonly candidate: string;
  readonly previous: string | null;
  readonly datasetRef: string | null;
  readonly candidateEval: string | null;
  readonly productionEval: string | null;
  readonly gate: GateConfig | null;
  readonly decidedAt: string;
}

/**
 * Promotes a model to an alias only when the gate passes: the acceptable error level fixed in
 * advance, per-class recall, and no regression against the alias's current model on the same
 * dataset version. Every decision, refused or not, is recorded under manifests/promotions/.
 */
export function createPromoteModel(deps: ActivityDeps) {
  const evaluate = createEvaluateModel(deps);
  return async function promoteModel(input: PromoteInput): Promise<PromotionRecord> {
    const lake = deps.lakes.open(input.lakeUri);
    const alias = validateAlias(input.alias);
    const card = await resolveModel(lake, input.candidate);
    const current = await currentAlias(lake, alias);
    // Already pointing here (say, our own earlier attempt moved it): nothing to move, no conflict.
    const alreadyHere = current?.modelId === card.id;
    if (input.ifCurrent !== undefined && !alreadyHere && (current?.modelId ?? null) !== input.ifCurrent)
      throw new AliasConflictError(
        alias,
        `points to ${current?.modelId ?? 'nothing'}, not ${input.ifCurrent ?? 'nothing'} as expected`,
      );
    let decision: GateDecision = { promote: true, reasons: ['manual promotion: no gate'] };
    let datasetRef: string | null = null;
    let candidateEval: string | null = null;
    let productionEval: string | null = null;
    const gate = input.gate ? { ...DEFAULT_GATE, ...input.gate } : null;
    if (gate) {
      const dataset = input.dataset ?? card.dataset.ref;
      const split = input.split ?? 'test';
      const mine = await evaluate({ lakeUri: input.lakeUri, model: card.id, dataset, split });
      const theirs =
        current && current.modelId !== card.id
          ? await evaluate({
              lakeUri: input.lakeUri,
              model: current.modelId,
              dataset: mine.datasetRef,
              split,
            })
          : null;
      decision = gateDecision(mine.metrics, theirs?.metrics ?? null, gate);
      [datasetRef, candidateEval, productionEval] = [mine.datasetRef, mine.evalId, theirs?.evalId ?? null];
    }
    const record: PromotionRecord = {
      kind: 'promotion',
      alias,
      candidate: card.id,
      previous: current?.modelId ?? null,
      datasetRef,
      candidateEval,
      productionEval,
      gate,
      ...decision,
      decidedAt: new Date().toISOString(),
    };
    if (decision.promote && !alreadyHere) {
      try {
        await moveAlias(lake, alias, card.id, decision.reasons.join('; '), current);
      } catch (error) {
        if (!(error instanceof AliasConflictError)) throw error;
        // A retry of this activity after its move succeeded: the alias already points here.
        if ((await currentAlias(lake, alias))?.modelId !== card.id) throw error;
      }
    }
    // Named by the workflow, so a retried activity records its decision once.
    const decider = Context.current().info.workflowExecution?.workflowId ?? `${record.decidedAt}-${card.id}`;
    const key = `manifests/promotions/${alias}/${decider.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`;
    await lake.putIfAbsent(key, JSON.stringify(record, null, 2));
    return record;
  };
}

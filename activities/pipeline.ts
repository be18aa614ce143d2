import type { ActivityDeps } from './deps.js';

export interface PipelineStage {
  readonly name: string;
  readonly status: 'done' | 'skipped' | 'failed';
  readonly reason?: string;
  readonly seconds: number;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface PipelineSummary {
  readonly kind: 'pipeline-run';
  readonly runId: string;
  readonly startedAt: string;
  readonly seconds: number;
  readonly stages: readonly PipelineStage[];
  /** The model this run promoted, if any. */
  readonly promotedModel: string | null;
}

export const pipelineRunKey = (runId: string) =>
  `manifests/pipeline_runs/${runId.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`;

export function createPipelineActivities(deps: ActivityDeps) {
  return {
    /** Stores a pipeline run's summary (the pipeline_runs view); once per run. */
    async recordPipelineRun(input: { lakeUri: string; summary: PipelineSummary }): Promise<void> {
      const lake = deps.lakes.open(input.lakeUri);
      await lake.putIfAbsent(pipelineRunKey(input.summary.runId), JSON.stringify(input.summary, null, 2));
    },
  };
}

import { resolve } from 'node:path';
import { parseSplitSpec } from '../lib/dataset/splits.js';
import { UserError } from '../lib/errors.js';
import { parseSource } from '../lib/ingest/source.js';
import type { PipelineConfig } from '../lib/pipeline/config.js';
import type { PipelineInput } from '../workflows/index.js';
import { classList, labelRule } from './ingest-input.js';

/** Turns a validated config into the workflow's input: sources resolved here, where the files are. */
export function pipelineInput(config: PipelineConfig, lakeUri: string): PipelineInput {
  const ingests = config.sources.map((s, i) => {
    const source = parseSource(s.path.startsWith('s3://') ? s.path : resolve(s.path));
    const flags =
      s.labels === 'regex'
        ? { labelRegex: s.labelRegex }
        : s.labels === 'manifest'
          ? { labelManifest: s.labelManifest }
          : { labels: s.labels };
    try {
      return {
        lakeUri,
        source,
        labels: labelRule(flags, source),
        classes: classList(s.classes),
        normalize: {},
      };
    } catch (error) {
      throw new UserError(`pipeline config: sources[${i}]: ${(error as Error).message}`);
    }
  });
  return {
    lakeUri,
    ingests,
    dataset: {
      lakeUri,
      name: config.dataset.name,
      query: config.dataset.query,
      split: parseSplitSpec(config.dataset.split),
      seed: config.dataset.seed,
      stratify: config.dataset.stratify,
      classes: classList(config.dataset.classes ?? undefined),
    },
    train: config.train,
    gate: config.gate,
    score: config.score,
  };
}

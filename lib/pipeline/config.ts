import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { UserError } from '../errors.js';
import { assertTrainParams } from '../model/check-params.js';
import { ARCHS, type Arch } from '../model/params.js';
import { BOUNDS, firstOutOfBound, outOfBound, type IntegerBound } from '../../workflows/input-bounds.js';
import { sweepBounds } from '../../workflows/sweep-grid.js';

/**
 * Sources of one pipeline: each is an ingest run in the pipeline's history, and the list travels
 * in the pipeline's input, which must stay small.
 */
export const MAX_SOURCES = 100;

/** The pipeline's one configuration file (YAML or JSON). Every field has a default but sources. */
export interface PipelineConfig {
  readonly lake?: string;
  readonly sources: readonly SourceConfig[];
  readonly dataset: {
    readonly name: string;
    readonly query: string;
    readonly split: string;
    readonly seed: number;
    readonly stratify: boolean;
    readonly classes: string | null;
  };
  /** null: no training (score with the current production model). */
  readonly train: {
    readonly arch: Arch;
    readonly params: Readonly<Record<string, string | number>>;
    /** A sweep when not empty: parameter -> values. */
    readonly grid: Readonly<Record<string, readonly (string | number)[]>>;
    readonly parallel: number;
  } | null;
  readonly gate: {
    readonly alias: string;
    readonly maxErrorRate: number;
    readonly tolerance: number;
    readonly minClassRecall: number;
  };
  /** Which images to score: a predicate on images; null: every image without a prediction from the production model. */
  readonly score: { readonly where: string | null; readonly partitionSize: number } | null;
  /** The cron expression `imagelake schedule create` uses when given no --cron or --every. */
  readonly schedule: string | null;
}

export interface SourceConfig {
  readonly path: string;
  readonly labels: 'dir' | 'idx' | 'none' | 'regex' | 'manifest';
  readonly labelRegex?: string;
  readonly labelManifest?: string;
  readonly classes?: string;
}

type Json = Record<string, unknown>;

/** Reads and validates a config file; errors name the path of the bad field. */
export function loadPipelineConfig(file: string): PipelineConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(
      `pipeline config: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new UserError(
      `pipeline config: ${file} does not parse: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  return validatePipelineConfig(data);
}

export function validatePipelineConfig(data: unknown): PipelineConfig {
  const root = object(data, '(root)');
  known(root, '(root)', ['lake', 'sources', 'dataset', 'train', 'gate', 'score', 'schedule']);
  const listed = array(root.sources, 'sources');
  if (listed.length > MAX_SOURCES)
    throw new UserError(
      `pipeline config: sources: at most ${MAX_SOURCES} sources, got ${listed.length}: list the folders or prefixes that hold the images (each is read whole), not the images`,
    );
  const sources = listed.map((s, i) => {
    const at = `sources[${i}]`;
    const o = object(s, at);
    known(o, at, ['path', 'labels', 'labelRegex', 'labelManifest', 'classes']);
    const labels = oneOf(o.labels ?? 'none', `${at}.labels`, [
      'dir',
      'idx',
      'none',
      'regex',
      'manifest',
    ] as const);
    if (labels === 'regex' && typeof o.labelRegex !== 'string')
      fail(`${at}.labelRegex`, 'a regex with one capture group', o.labelRegex);
    if (labels === 'manifest' && typeof o.labelManifest !== 'string')
      fail(`${at}.labelManifest`, 'a CSV or JSON file', o.labelManifest);
    return {
      path: string(o.path, `${at}.path`),
      labels,
      ...(o.labelRegex === undefined ? {} : { labelRegex: string(o.labelRegex, `${at}.labelRegex`) }),
      ...(o.labelManifest === undefined
        ? {}
        : { labelManifest: string(o.labelManifest, `${at}.labelManifest`) }),
      ...(o.classes === undefined ? {} : { classes: string(o.classes, `${at}.classes`) }),
    };
  });
  if (sources.length === 0) fail('sources', 'at least one source', []);
  const d = object(root.dataset ?? {}, 'dataset');
  known(d, 'dataset', ['name', 'query', 'split', 'seed', 'stratify', 'classes']);
  const t = root.train === null ? null : object(root.train ?? {}, 'train');
  if (t) known(t, 'train', ['arch', 'params', 'grid', 'parallel']);
  const g = object(root.gate ?? {}, 'gate');
  known(g, 'gate', ['alias', 'maxErrorRate', 'tolerance', 'minClassRecall']);
  const sc = root.score === null ? null : object(root.score ?? {}, 'score');
  if (sc) known(sc, 'score', ['where', 'partitionSize']);
  const grid = t ? object(t.grid ?? {}, 'train.grid') : {};
  const config: PipelineConfig = {
    ...(root.lake === undefined ? {} : { lake: string(root.lake, 'lake') }),
    sources,
    dataset: {
      name: string(d.name ?? 'training', 'dataset.name'),
      query: string(d.query ?? 'SELECT image_id FROM images WHERE label IS NOT NULL', 'dataset.query'),
      split: string(d.split ?? 'train=0.8,val=0.1,test=0.1', 'dataset.split'),
      seed: integer(d.seed ?? 1, 'dataset.seed'),
      stratify: boolean(d.stratify ?? false, 'dataset.stratify'),
      classes: d.classes === undefined || d.classes === null ? null : string(d.classes, 'dataset.classes'),
    },
    train: t
      ? {
          arch: oneOf(t.arch ?? 'mlp', 'train.arch', ARCHS),
          params: Object.fromEntries(
            Object.entries(object(t.params ?? {}, 'train.params')).map(([k, v]) => [
              k,
              scalar(v, `train.params.${k}`),
            ]),
          ),
          grid: Object.fromEntries(
            Object.entries(grid).map(([k, v]) => [
              k,
              array(v, `train.grid.${k}`).map((x, i) => scalar(x, `train.grid.${k}[${i}]`)),
            ]),
          ),
          parallel: bounded(t.parallel ?? 2, 'train.parallel', BOUNDS.inFlight),
        }
      : null,
    gate: {
      alias: string(g.alias ?? 'production', 'gate.alias'),
      maxErrorRate: fraction(g.maxErrorRate ?? 0.2, 'gate.maxErrorRate'),
      tolerance: fraction(g.tolerance ?? 0.005, 'gate.tolerance'),
      minClassRecall: fraction(g.minClassRecall ?? 0, 'gate.minClassRecall'),
    },
    score: sc
      ? {
          where: sc.where === undefined || sc.where === null ? null : string(sc.where, 'score.where'),
          partitionSize: bounded(sc.partitionSize ?? 8192, 'score.partitionSize', BOUNDS.partitionSize),
        }
      : null,
    schedule:
      root.schedule === undefined || root.schedule === null ? null : string(root.schedule, 'schedule'),
  };
  if (config.train) {
    // A sweep's grid: listed whole inside its workflow, a trial each.
    const problem =
      Object.keys(config.train.grid).length > 0 ? firstOutOfBound(sweepBounds(config.train)) : undefined;
    if (problem) throw new UserError(`pipeline config: train.grid: ${problem}`);
    try {
      assertTrainParams(config.train.arch, config.train.params, config.train.grid);
    } catch (error) {
      throw new UserError(`pipeline config: train: ${(error as Error).message}`);
    }
  }
  return config;
}

function fail(path: string, expected: string, got: unknown): never {
  throw new UserError(
    `pipeline config: ${path}: expected ${expected}, got ${JSON.stringify(got) ?? 'nothing'}`,
  );
}
function object(v: unknown, path: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'an object', v);
  return v as Json;
}
function array(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, 'a list', v);
  return v;
}
function string(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.trim() === '') fail(path, 'a non-empty string', v);
  return v;
}
function integer(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(path, 'an integer >= 0', v);
  return v;
}
function bounded(v: unknown, path: string, bound: IntegerBound): number {
  if (outOfBound(path, v, bound)) fail(path, `an integer from ${bound.min} to ${bound.max}`, v);
  return v as number;
}
function fraction(v: unknown, path: string): number {
  if (typeof v !== 'number' || v < 0 || v > 1) fail(path, 'a number in [0, 1]', v);
  return v;
}
function boolean(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, 'true or false', v);
  return v;
}
function scalar(v: unknown, path: string): string | number {
  if (typeof v !== 'string' && typeof v !== 'number') fail(path, 'a number or a string', v);
  return v;
}
function oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T {
  if (!(allowed as readonly unknown[]).includes(v)) fail(path, `one of ${allowed.join(', ')}`, v);
  return v as T;
}
function known(o: Json, path: string, keys: readonly string[]): void {
  for (const k of Object.keys(o))
    if (!keys.includes(k))
      fail(`${path === '(root)' ? '' : `${path}.`}${k}`, `no such field (known: ${keys.join(', ')})`, o[k]);
}

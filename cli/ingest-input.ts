import { resolve } from 'node:path';
import { UserError } from '../lib/errors.js';
import { compileLabelRegex, type LabelRule } from '../lib/ingest/labels.js';
import { CLASS_PRESETS } from '../lib/ingest/plan.js';
import type { IngestSource } from '../lib/ingest/source.js';

export interface LabelFlags {
  readonly labels?: 'dir' | 'idx' | 'none';
  readonly labelRegex?: string;
  readonly labelManifest?: string;
  /** Ingest even when the label rule labels none of the files. */
  readonly allowUnlabeled?: boolean;
}

/** The label rule of an ingest from its flags (one label source at most). */
export function labelRule(flags: LabelFlags, source: IngestSource): LabelRule {
  const chosen = [flags.labels, flags.labelRegex && 'regex', flags.labelManifest && 'manifest'].filter(
    Boolean,
  );
  if (chosen.length > 1) throw new UserError(`ingest: choose one label source, got ${chosen.join(' and ')}`);
  const allowUnlabeled = flags.allowUnlabeled === true;
  if (flags.labelRegex !== undefined)
    return (
      compileLabelRegex(flags.labelRegex),
      { kind: 'regex', pattern: flags.labelRegex, allowUnlabeled }
    );
  // Absolute: the worker that reads it may run in another directory.
  if (flags.labelManifest !== undefined)
    return { kind: 'manifest', path: resolve(flags.labelManifest), allowUnlabeled };
  const rule = flags.labels ?? (source.kind === 'idx' && source.labels ? 'idx' : 'none');
  if (rule === 'idx' && source.kind !== 'idx')
    throw new UserError('ingest: --labels idx needs an IDX source');
  if (rule === 'idx' && source.kind === 'idx' && !source.labels)
    throw new UserError('ingest: no IDX labels file found: pass --idx-labels');
  if (rule === 'dir') return { kind: 'parent-dir', allowUnlabeled };
  return rule === 'idx' ? { kind: 'idx' } : { kind: 'none' };
}

/** `--classes`: a comma-separated list or a preset name; undefined infers them. */
export function classList(value: string | undefined): string[] | null {
  if (value === undefined) return null;
  const preset = CLASS_PRESETS[value];
  if (preset) return [...preset];
  const classes = value.split(',').map((c) => c.trim());
  if (classes.some((c) => c === ''))
    throw new UserError(`ingest: --classes "${value}" has an empty class name`);
  if (new Set(classes).size !== classes.length)
    throw new UserError(`ingest: --classes "${value}" names a class twice`);
  return classes;
}

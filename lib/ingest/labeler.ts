import { UserError } from '../errors.js';
import { compileLabelRegex, type LabelRule } from './labels.js';

/** How well a label rule covered the files listed: written beside the plan, shown by the CLI. */
export interface LabelReport {
  readonly rule: string;
  readonly files: number;
  readonly labeled: number;
  /** A few of the files that got no label. */
  readonly unlabeledExamples: readonly string[];
  /** Manifest rows that name no listed file. */
  readonly missing: number;
  readonly missingExamples: readonly string[];
}

/** Labels listed files by a rule, and says at the end how many it labeled. */
export interface Labeler {
  /** The label of a file from its path relative to the source root (`/`-separated). */
  label(ref: string): string | null;
  /**
   * The report of a rule that names labels (none for `none` and `idx`). Throws when the rule
   * labeled none of the files, unless the rule allows that: a wrong regex or manifest would
   * otherwise store every image unlabeled, and a later ingest with the right one would find
   * only duplicates.
   */
  finish(): LabelReport | undefined;
}

const EXAMPLES = 3;

export function createLabeler(rule: LabelRule, manifest?: ReadonlyMap<string, string>): Labeler {
  const labelOf = labelFunction(rule, manifest);
  let files = 0;
  let labeled = 0;
  const unlabeledExamples: string[] = [];
  const matched = new Set<string>();
  return {
    label(ref) {
      files++;
      const label = labelOf(ref);
      if (label === null) {
        if (unlabeledExamples.length < EXAMPLES) unlabeledExamples.push(ref);
      } else {
        labeled++;
        if (manifest) matched.add(ref);
      }
      return label;
    },
    finish() {
      if (rule.kind === 'none' || rule.kind === 'idx') return undefined;
      const missingExamples: string[] = [];
      for (const path of manifest?.keys() ?? [])
        if (!matched.has(path) && missingExamples.length < EXAMPLES) missingExamples.push(path);
      const report: LabelReport = {
        rule: ruleName(rule),
        files,
        labeled,
        unlabeledExamples,
        missing: (manifest?.size ?? 0) - matched.size,
        missingExamples,
      };
      if (files > 0 && labeled === 0 && !rule.allowUnlabeled)
        throw new UserError(
          `ingest: ${report.rule} labeled none of the ${files} files (${examples('e.g.', unlabeledExamples)})${
            report.missing > 0 ? `, its rows name ${examples('', missingExamples)}` : ''
          }: nothing ingested; pass --allow-unlabeled to ingest them without labels`,
        );
      return report;
    },
  };
}

/** One line per shortfall of the report, for the user. */
export function labelReportLines(report: LabelReport): string[] {
  const lines: string[] = [];
  const unlabeled = report.files - report.labeled;
  if (unlabeled > 0)
    lines.push(
      `ingest: ${unlabeled} of ${report.files} files got no label from ${report.rule} (${examples('e.g.', report.unlabeledExamples)}): ingested without a label`,
    );
  if (report.missing > 0)
    lines.push(
      `ingest: ${report.missing} rows of ${report.rule} name files that are not in the source (${examples('e.g.', report.missingExamples)})`,
    );
  return lines;
}

function labelFunction(
  rule: LabelRule,
  manifest?: ReadonlyMap<string, string>,
): (ref: string) => string | null {
  switch (rule.kind) {
    case 'none':
    case 'idx':
      return () => null;
    case 'parent-dir':
      return (ref) => {
        const end = ref.lastIndexOf('/');
        return end < 0 ? null : ref.slice(ref.lastIndexOf('/', end - 1) + 1, end);
      };
    case 'regex': {
      const regex = compileLabelRegex(rule.pattern);
      // An empty capture is no label, as an empty manifest label is refused: never a class "".
      return (ref) => regex.label(ref.slice(ref.lastIndexOf('/') + 1)) || null;
    }
    case 'manifest':
      return (ref) => manifest?.get(ref) ?? null;
  }
}

function ruleName(rule: LabelRule): string {
  if (rule.kind === 'regex') return `--label-regex ${JSON.stringify(rule.pattern)}`;
  if (rule.kind === 'manifest') return `label manifest ${rule.path}`;
  return '--labels dir';
}

function examples(lead: string, names: readonly string[]): string {
  return `${lead ? `${lead} ` : ''}${names.map((n) => JSON.stringify(n)).join(', ')}`;
}

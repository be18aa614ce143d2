// `npm run bench:docs`: writes docs/benchmarks.md from the committed bench-results/*.json, one dated
// table per bench run, newest first. `npm run bench` calls it after each run; nobody edits the tables.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';
import type { Figure } from './harness.js';

export interface BenchRun {
  readonly at: string;
  readonly machine: { cpus: number; cpu?: string; memoryGiB: number; node: string };
  readonly filter?: string;
  readonly results: readonly { benchmark: string; issue: number; figures?: Figure[]; error?: string }[];
}

const RESULTS = new URL('../../bench-results/', import.meta.url);
const DOC = new URL('../../docs/benchmarks.md', import.meta.url);

const HEADER = `# Benchmarks

\`npm run bench [-- name-filter]\` runs \`test/bench/*.bench.ts\`, writes \`bench-results/<time>.json\` and
regenerates this file from every JSON file there (commit the ones worth keeping). Each figure stands
beside a baseline measured in the same run, as a ratio: the machine is shared and noisy, so compare
ratios across runs and machines, not absolute figures. A target not met says **NOT MET**.

Figures of earlier rounds, written by hand: [benchmarks-2026-11-30.md](benchmarks-2026-11-30.md).
`;

/** The markdown of all runs, newest first. */
export function renderBenchmarks(runs: readonly BenchRun[]): string {
  const sorted = [...runs].sort((a, b) => b.at.localeCompare(a.at));
  return [HEADER, ...sorted.map(renderRun)].join('\n');
}

function renderRun(run: BenchRun): string {
  const m = run.machine;
  const lines = [
    `## ${run.at.slice(0, 16).replace('T', ' ')} UTC${run.filter ? ` (only \`${run.filter}\`)` : ''}`,
    '',
    `${m.cpus} cores (${m.cpu ?? 'unknown CPU'}), ${m.memoryGiB} GiB, Node ${m.node}.`,
    '',
    '| benchmark | figure | baseline (same run) | ratio | target |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const r of run.results) {
    if (r.error) lines.push(`| ${r.benchmark} | **failed**: ${cell(r.error)} | | | |`);
    for (const f of r.figures ?? []) lines.push(renderFigure(f));
  }
  return `${lines.join('\n')}\n`;
}

function renderFigure(f: Figure): string {
  const value = `${formatNumber(f.value)} ${f.unit}${f.note ? ` (${cell(f.note)})` : ''}`;
  const baseline = f.baseline ? `${cell(f.baseline.name)}: ${formatNumber(f.baseline.value)}` : '';
  const ratio = f.ratio === undefined ? '' : `${f.ratio}x`;
  const target = f.target
    ? `${f.target.op} ${formatNumber(f.target.value)}: ${f.met ? 'met' : '**NOT MET**'}`
    : '';
  return `| ${cell(f.name)} | ${value} | ${baseline} | ${ratio} | ${target} |`;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : String(n);
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

export async function writeBenchmarksDoc(): Promise<string> {
  const files = (await readdir(RESULTS).catch(() => [])).filter((f) => f.endsWith('.json')).sort();
  const runs = await Promise.all(
    files.map(async (f) => JSON.parse(await readFile(new URL(f, RESULTS), 'utf8')) as BenchRun),
  );
  // Formatted as lint checks it, so a bench run leaves the tree lint-clean.
  const options = await resolveConfig(DOC.pathname);
  await writeFile(DOC, await format(renderBenchmarks(runs), { ...options, filepath: DOC.pathname }));
  return DOC.pathname;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeBenchmarksDoc().then(
    (path) => console.log(`bench: wrote ${path}`),
    (error: unknown) => {
      console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}

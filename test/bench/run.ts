// `npm run bench [-- name-filter]`: runs every test/bench/*.bench.ts and writes bench-results/<time>.json.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { writeBenchmarksDoc } from './docs.js';
import type { Benchmark, Figure } from './harness.js';

async function main(): Promise<void> {
  const filter = process.argv[2];
  const dir = new URL('./', import.meta.url);
  const files = (await readdir(dir)).filter((f) => f.endsWith('.bench.ts')).sort();
  const results: { benchmark: string; issue: number; figures?: Figure[]; error?: string }[] = [];
  for (const file of files) {
    const { benchmark } = (await import(new URL(file, dir).href)) as { benchmark: Benchmark };
    if (filter && !benchmark.name.includes(filter) && !file.includes(filter)) continue;
    process.stdout.write(`bench: ${benchmark.name} ... `);
    try {
      const figures = await benchmark.run();
      results.push({ benchmark: benchmark.name, issue: benchmark.issue, figures });
      console.log('done');
      for (const f of figures) console.log(`  ${describe(f)}`);
    } catch (error) {
      // A failing benchmark is reported and recorded, and the run goes on with the others.
      const message = error instanceof Error ? error.message : String(error);
      results.push({ benchmark: benchmark.name, issue: benchmark.issue, error: message });
      console.log(`FAILED: ${message}`);
      process.exitCode = 1;
    }
  }
  const out = new URL('../../bench-results/', import.meta.url);
  await mkdir(out, { recursive: true });
  const at = new Date().toISOString();
  const machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  const path = new URL(`${at.replace(/[:.]/g, '-')}.json`, out);
  await writeFile(path, JSON.stringify({ at, machine, ...(filter ? { filter } : {}), results }, null, 2));
  console.log(`bench: results in ${path.pathname}`);
  console.log(`bench: wrote ${await writeBenchmarksDoc()}`);
}

function describe(f: Figure): string {
  const base = f.baseline
    ? ` | baseline ${f.baseline.name}: ${f.baseline.value.toFixed(1)} -> ratio ${f.ratio}x`
    : '';
  const target = f.target ? ` | target ${f.target.op} ${f.target.value}: ${f.met ? 'met' : 'NOT MET'}` : '';
  return `${f.name}: ${f.value} ${f.unit}${base}${target}`;
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

// A lint rule that fails on import cycles between the project's own modules, type-only imports
// included: a cycle means two modules that cannot be understood (or moved) one without the other.
// Written here rather than taken from a plugin: it needs only TypeScript's import scanner.
import { readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';

/** Each scanned file's local imports, kept while its modification time stays the same. */
const scanned = new Map();

/** The project file a relative specifier names (`./a.js` is `./a.ts` on disk), or undefined. */
function resolveLocal(from, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, `${base}/index.ts`];
  return candidates.find((file) => statSync(file, { throwIfNoEntry: false })?.isFile());
}

/** The local modules a file imports or re-exports, type-only and dynamic imports included. */
function importsOf(file) {
  const stats = statSync(file, { throwIfNoEntry: false });
  if (!stats) return [];
  const cached = scanned.get(file);
  if (cached && cached.mtimeMs === stats.mtimeMs) return cached.imports;
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const imports = [...new Set(importedFiles.map((f) => resolveLocal(file, f.fileName)).filter(Boolean))];
  scanned.set(file, { mtimeMs: stats.mtimeMs, imports });
  return imports;
}

/** The shortest import path from `start` back to `target`, or undefined when there is none. */
function pathBack(start, target) {
  const cameFrom = new Map([[start, undefined]]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i];
    for (const next of importsOf(file)) {
      if (next === target) {
        const path = [];
        for (let at = file; at !== undefined; at = cameFrom.get(at)) path.unshift(at);
        return path;
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, file);
        queue.push(next);
      }
    }
  }
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
export const noImportCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'forbid import cycles between local modules, type-only imports included' },
    schema: [],
    messages: { cycle: 'import cycle: {{cycle}}' },
  },
  create(context) {
    const file = context.filename;
    const check = (node) => {
      const specifier = node.source?.value;
      if (typeof specifier !== 'string') return;
      const target = resolveLocal(file, specifier);
      if (!target || target === file) return;
      const back = pathBack(target, file);
      if (!back) return;
      const names = [file, ...back, file].map((f) => relative(context.cwd, f));
      context.report({ node: node.source, messageId: 'cycle', data: { cycle: names.join(' -> ') } });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export default { rules: { 'no-import-cycle': noImportCycle } };

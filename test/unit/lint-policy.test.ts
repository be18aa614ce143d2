import { ESLint } from 'eslint';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { workflowImportRule } from '../../eslint.config.js';
import cyclePlugin from '../../lint/no-import-cycle.js';

const probe = new ESLint({
  overrideConfigFile: true,
  overrideConfig: {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: { '@typescript-eslint/no-restricted-imports': workflowImportRule as never },
  },
});
const errors = async (code: string) =>
  (await probe.lintText(code, { filePath: 'probe.ts' }))[0]?.messages.map((m) => m.message) ?? [];

describe('workflows lint policy', () => {
  it.each([
    "import { readFile } from 'node:fs';",
    "import * as path from 'path';",
    "import { createHash } from 'crypto';",
    "import sharp from 'sharp';",
    "import { DuckDBInstance } from '@duckdb/node-api';",
    "import { S3Client } from '@aws-sdk/client-s3';",
    "import * as tf from '@tensorflow/tfjs';",
    "import avro from 'avsc';",
    "import { tableFromArrays } from 'apache-arrow';",
    "import { createActivities } from '../activities/index.js';",
    "import { LocalLake } from '../lib/lake/index.js';",
  ])('forbids %s', async (code) => {
    const messages = await errors(code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(
      /^'.*' import is restricted from being used by a pattern\. workflows (must stay deterministic|import activities and lib code as types only)|^'.*' import is restricted from being used\. workflows must stay deterministic/,
    );
  });

  it('allows type-only imports of activities and the workflow SDK', async () => {
    expect(
      await errors(
        "import type { Activities } from '../activities/index.js';\nimport { proxyActivities } from '@temporalio/workflow';",
      ),
    ).toEqual([]);
  });

  it('is applied to every file under workflows/ by the project config', async () => {
    const config = (await new ESLint().calculateConfigForFile('workflows/smoke.ts')) as {
      rules: Record<string, unknown>;
    };
    expect(config.rules['@typescript-eslint/no-restricted-imports']).toEqual([2, workflowImportRule[1]]);
    expect(config.rules['@typescript-eslint/no-floating-promises']).toEqual([2]);
  });
});

describe('import cycle lint rule', () => {
  /** Lints a folder of fixture modules with the cycle rule alone; the messages per file. */
  const lintFolder = async (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'imagelake-cycle-'));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    const eslint = new ESLint({
      cwd: dir,
      overrideConfigFile: true,
      overrideConfig: {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        plugins: { imagelake: cyclePlugin },
        rules: { 'imagelake/no-import-cycle': 'error' },
      },
    });
    const results = await eslint.lintFiles(['**/*.ts']);
    return Object.fromEntries(
      results.map((r) => [r.filePath.slice(dir.length + 1), r.messages.map((m) => m.message)]),
    );
  };

  it('fails on a cycle through a type-only import, naming the path from each end', async () => {
    expect(
      await lintFolder({
        'chunk.ts': "import { item } from './steps/item.js';\nexport interface Input { n: number }\n",
        'steps/item.ts':
          "import type { Input } from '../chunk.js';\nexport const item = (i: Input) => i.n;\n",
        'leaf.ts': "import { item } from './steps/item.js';\nexport const leaf = item;\n",
      }),
    ).toEqual({
      'chunk.ts': ['import cycle: chunk.ts -> steps/item.ts -> chunk.ts'],
      'leaf.ts': [],
      'steps/item.ts': ['import cycle: steps/item.ts -> chunk.ts -> steps/item.ts'],
    });
  });

  it('finds a longer cycle through re-exports and passes a chain without one', async () => {
    const messages = await lintFolder({
      'a.ts': "export { b } from './b.js';\nexport const a = 1;\n",
      'b.ts': "import { c } from './c';\nexport const b = c;\n",
      'c.ts': "import { a } from './a.js';\nexport const c = a;\n",
      'd.ts': "import { a } from './a.js';\nexport const d = a;\n",
    });
    expect(messages['a.ts']).toEqual(['import cycle: a.ts -> b.ts -> c.ts -> a.ts']);
    expect(messages['d.ts']).toEqual([]);
  });

  it('is applied to every TypeScript file by the project config', async () => {
    for (const file of ['activities/x.ts', 'lib/x/y.ts', 'workflows/x.ts', 'cli/x.ts', 'test/x.test.ts']) {
      const config = (await new ESLint().calculateConfigForFile(file)) as { rules: Record<string, unknown> };
      expect(config.rules['imagelake/no-import-cycle']).toEqual([2]);
    }
  });
});

import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { workflowImportRule } from '../../eslint.config.js';

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

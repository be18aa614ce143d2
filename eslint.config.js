// Lint rules that keep workflows deterministic, promises handled and imports free of cycles.
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import imagelakeLint from './lint/no-import-cycle.js';

// Packages that do I/O or read clocks/randomness: never allowed inside workflows/.
const ioPackages = [
  '@duckdb/*',
  '@aws-sdk/*',
  'sharp',
  '@tensorflow/*',
  'avsc',
  'apache-arrow',
  '@temporalio/activity',
  '@temporalio/client',
  '@temporalio/worker',
  'commander',
];
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** Workflows reach activities only through proxyActivities with type-only imports. */
export const workflowImportRule = [
  'error',
  {
    paths: nodeBuiltins.map((name) => ({
      name,
      message: 'workflows must stay deterministic: no Node built-ins',
    })),
    patterns: [
      { group: ioPackages, message: 'workflows must stay deterministic: do I/O in activities/' },
      {
        group: ['**/activities', '**/activities/**', '**/lib/**'],
        allowTypeImports: true,
        message:
          'workflows import activities and lib code as types only (proxyActivities<typeof activities>)',
      },
    ],
  },
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.imagelake/**', 'lake/**', 'dist/**', 'coverage/**', 'bench-results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { imagelake: imagelakeLint },
    rules: {
      'imagelake/no-import-cycle': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['workflows/**/*.ts'], rules: { '@typescript-eslint/no-restricted-imports': workflowImportRule } },
);

import { readFileSync } from 'node:fs';

/** The code version recorded in model cards: IMAGELAKE_CODE_VERSION (CI sets a commit) or package.json's. */
export const codeVersion: string =
  process.env.IMAGELAKE_CODE_VERSION ||
  (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;

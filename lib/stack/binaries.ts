import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { UserError } from '../errors.js';

export type BinaryName = 'temporal' | 'minio';

/**
 * Finds a Go-built binary: IMAGELAKE_<NAME>_BIN, then the project's cache (where `npm run setup`
 * builds it), then PATH.
 */
export function findBinary(name: BinaryName, cacheDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env[`IMAGELAKE_${name.toUpperCase()}_BIN`];
  if (explicit) {
    if (isExecutable(explicit)) return explicit;
    throw new UserError(
      `stack: IMAGELAKE_${name.toUpperCase()}_BIN points at "${explicit}", which is not an executable file`,
    );
  }
  const candidates = [
    join(cacheDir, 'bin', name),
    ...(env.PATH ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((d) => join(d, name)),
  ];
  const found = candidates.find(isExecutable);
  if (found) return found;
  throw new UserError(
    `stack: no ${name} binary in ${join(cacheDir, 'bin')} or on PATH: run \`npm run setup\` (builds it with go install) or set IMAGELAKE_${name.toUpperCase()}_BIN`,
  );
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

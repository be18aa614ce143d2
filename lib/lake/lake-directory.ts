import { statSync } from 'node:fs';
import { UserError } from '../errors.js';
import { parseLakeUri } from './lake-uri.js';

/**
 * Refuses a local lake path that cannot be a lake before any work: a file (writes failed on it
 * only inside the workflow) and, for a command that only reads, a directory that does not exist
 * (a typo read as an empty lake: 0 rows, exit 0). An S3 lake is left to its first request.
 */
export function assertLakeDirectory(uri: string, options: { readonly mustExist: boolean }): void {
  const location = parseLakeUri(uri);
  if (location.kind !== 'local') return;
  const hint = 'check --lake or IMAGELAKE_LAKE';
  let isDirectory: boolean | undefined;
  try {
    isDirectory = statSync(location.path, { throwIfNoEntry: false })?.isDirectory();
  } catch (error) {
    // A file part-way along the path: no directory can be there.
    if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error;
    isDirectory = false;
  }
  if (isDirectory === false)
    throw new UserError(`lake: "${location.path}" is not a directory, so it cannot be a lake: ${hint}`);
  if (isDirectory === undefined && options.mustExist)
    throw new UserError(`lake: no lake at "${location.path}": the directory does not exist: ${hint}`);
}

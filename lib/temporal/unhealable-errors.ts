import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { UserError } from '../errors.js';

/**
 * File system errors no retry can heal: a permission the user lacks, a read-only or immutable
 * file system, a file where a directory must be. Each is worded for its line.
 */
const UNHEALABLE_FS_CODES: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted (read-only or immutable)',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is a file, not a directory',
};

interface FsError {
  readonly code: string;
  readonly syscall?: string;
  readonly path?: string;
}

/**
 * The UserError (not retried: see workflows/retry.ts) an activity's failure becomes when it is a
 * file system error no retry can heal, found anywhere in its cause chain; undefined otherwise.
 */
export function unhealableError(error: unknown): UserError | undefined {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 8; depth++) {
    if (current instanceof UserError) return undefined; // already says what to do
    const { code, syscall, path } = current as Partial<FsError>;
    const reason = code === undefined ? undefined : UNHEALABLE_FS_CODES[code];
    if (reason !== undefined)
      return new UserError(
        `file system: cannot ${syscall ?? 'access'}${path ? ` "${path}"` : ''}: ${reason} (${code})`,
      );
    current = current.cause;
  }
  return undefined;
}

/**
 * The worker's activity interceptor: a failure no retry can heal fails the activity at once with
 * one clear line, instead of a dozen attempts over minutes with the raw system message.
 */
export const failUnhealableAtOnce: ActivityInterceptorsFactory = () => ({
  inbound: {
    async execute(input, next) {
      try {
        return await next(input);
      } catch (error) {
        throw unhealableError(error) ?? error;
      }
    },
  },
});

import { chmodSync, mkdirSync, statSync } from 'node:fs';

/**
 * What the local stack's servers may create: their data (the lake's objects in MinIO, workflow
 * histories in temporal.db, logs) is readable by its user alone, whatever the shell's umask.
 */
export const STACK_UMASK = 0o077;

/**
 * A directory of the local stack's state, created readable by its user alone; an existing one
 * made so (it may come from a version that left it open to every local user). A directory this
 * user does not own, or a shared one (sticky, as /tmp), is left as it is.
 */
export function privateDir(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const stats = statSync(path);
  const shared = (stats.mode & 0o1000) !== 0;
  if (!shared && stats.uid === process.getuid?.() && (stats.mode & 0o077) !== 0)
    chmodSync(path, stats.mode & 0o700);
  return path;
}

/** A file of the local stack's state made readable by its user alone, when it exists. */
export function privateFile(path: string): void {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats?.isFile() && (stats.mode & 0o077) !== 0) chmodSync(path, stats.mode & 0o600);
}

/** Runs `spawn` (synchronous: the child is forked before it returns) under STACK_UMASK. */
export function withStackUmask<T>(spawn: () => T): T {
  const previous = process.umask(STACK_UMASK);
  try {
    return spawn();
  } finally {
    process.umask(previous);
  }
}

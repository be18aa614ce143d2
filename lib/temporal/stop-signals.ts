import { UserError } from '../errors.js';

/** The signals that stop a command, each with the exit code a shell gives it (128 + its number). */
export const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof STOP_SIGNALS;

/** The command was stopped by a signal: its line says what became of its workflows. */
export class InterruptedError extends UserError {
  constructor(
    readonly signal: StopSignal,
    message: string,
  ) {
    super(message, STOP_SIGNALS[signal]);
  }
}

export interface StopSignalHandlers {
  /** The first SIGINT or SIGTERM: stop the work cleanly. */
  readonly first: (signal: StopSignal) => void;
  /** Another one while the first is handled: stop at once. */
  readonly again: (signal: StopSignal) => void;
}

/**
 * Takes SIGINT and SIGTERM over from Node's default (an immediate exit that leaves the command's
 * workflows running) until the returned function is called.
 */
export function onStopSignals(handlers: StopSignalHandlers): () => void {
  let received = false;
  const listener = (signal: StopSignal) => {
    if (received) return handlers.again(signal);
    received = true;
    handlers.first(signal);
  };
  for (const signal of Object.keys(STOP_SIGNALS)) process.on(signal, listener);
  return () => {
    for (const signal of Object.keys(STOP_SIGNALS)) process.off(signal, listener);
  };
}

/**
 * An error the user can act on: the CLI prints its message as one line, without a stack trace.
 * Messages start with the domain and name the offending value: `lake: invalid key "a//b": empty segment`.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    /** Process exit code the CLI uses for this error. */
    readonly exitCode = 1,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The message of anything thrown, for error lines and recorded reasons. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

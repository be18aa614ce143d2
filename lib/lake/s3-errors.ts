import { UserError } from '../errors.js';

const AUTH_ERRORS = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'InvalidToken',
  'ExpiredToken',
  'CredentialsProviderError',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

/**
 * Turns an S3 SDK error into one line a user can act on. Auth and missing-bucket problems become
 * UserErrors (not worth retrying); network errors stay plain Errors so Temporal retries them.
 * Never includes credentials: only the error name, the lake URI and the endpoint.
 */
export function describeS3Error(error: unknown, where: string, endpoint: string | undefined): Error {
  const name = (error as { name?: string; Code?: string }).name ?? 'Error';
  const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
  const at = endpoint ? ` at ${endpoint}` : '';
  // A refusal without a body (a HEAD request's 403) has no error code, only its status.
  const status = httpStatus(error);
  if (AUTH_ERRORS.has(name) || /credential/i.test(name) || status === 401 || status === 403) {
    const what = AUTH_ERRORS.has(name) || /credential/i.test(name) ? name : `HTTP ${status}`;
    return new UserError(
      `s3: access to ${where} refused (${what})${at}: check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or AWS_PROFILE`,
    );
  }
  if (name === 'NoSuchBucket')
    return new UserError(`s3: bucket of ${where} does not exist${at}: create it first`);
  if ((code && NETWORK_CODES.has(code)) || name === 'TimeoutError') {
    return new Error(
      `s3: cannot reach the endpoint${at || ' (AWS default)'} for ${where} (${code ?? name}): is it running? set AWS_ENDPOINT_URL_S3`,
      { cause: error },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`s3: ${where}: ${name}: ${message}`, { cause: error });
}

export function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

import type { RetryPolicy } from '@temporalio/common';

/**
 * The retry policy of every activity: transient faults (network, S3 or MinIO down for a while) are
 * retried with backoff for a few minutes; a UserError (bad input, bad credentials) fails at once.
 */
export const activityRetry: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  maximumAttempts: 12,
  // A failure's type is the error's class name: list UserError and each of its subclasses.
  nonRetryableErrorTypes: ['UserError', 'AliasConflictError', 'SqlError', 'InterruptedError'],
};

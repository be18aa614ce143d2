import { expect, it } from 'vitest';
import { UserError } from '../../../lib/errors.js';
import { describeS3Error } from '../../../lib/lake/s3-errors.js';
import { unhealableError } from '../../../lib/temporal/unhealable-errors.js';

const fsError = (code: string, syscall: string, path: string) =>
  Object.assign(new Error(`${code}: raw message, ${syscall} '${path}'`), { code, syscall, path });

it.each([
  ['EACCES', 'open', 'permission denied'],
  ['EPERM', 'mkdir', 'operation not permitted (read-only or immutable)'],
  ['EROFS', 'rename', 'read-only file system'],
  ['ENOTDIR', 'mkdir', 'a part of the path is a file, not a directory'],
])(
  '%s becomes a UserError with one clear line, wherever it is in the cause chain',
  (code, syscall, reason) => {
    const raw = fsError(code, syscall, '/lake/.tmp');
    const expected = `file system: cannot ${syscall} "/lake/.tmp": ${reason} (${code})`;
    for (const error of [raw, new Error('lake: put failed', { cause: raw })]) {
      const classified = unhealableError(error);
      expect(classified).toBeInstanceOf(UserError);
      expect(classified?.message).toBe(expected);
    }
  },
);

it('leaves what a retry may heal, and what already says what to do', () => {
  expect(unhealableError(fsError('ENOSPC', 'write', '/lake/x'))).toBeUndefined();
  expect(unhealableError(fsError('ECONNRESET', 'read', '/lake/x'))).toBeUndefined();
  expect(
    unhealableError(new UserError('lake: bad key', 1, { cause: fsError('EACCES', 'open', '/x') })),
  ).toBeUndefined();
});

it('an S3 refusal without a body (HEAD) is a credentials error, never retried, with no secret in it', () => {
  for (const status of [401, 403]) {
    const headRefused = Object.assign(new Error('UnknownError'), {
      name: 'Unknown',
      $metadata: { httpStatusCode: status },
    });
    const described = describeS3Error(headRefused, 's3://bucket/lake/meta/x', 'http://127.0.0.1:9000');
    expect(described).toBeInstanceOf(UserError);
    expect(described.message).toBe(
      `s3: access to s3://bucket/lake/meta/x refused (HTTP ${status}) at http://127.0.0.1:9000: check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or AWS_PROFILE`,
    );
  }
  const unavailable = Object.assign(new Error('UnknownError'), {
    name: 'Unknown',
    $metadata: { httpStatusCode: 503 },
  });
  expect(describeS3Error(unavailable, 's3://bucket/x', undefined)).not.toBeInstanceOf(UserError);
});

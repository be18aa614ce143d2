export type RejectReason =
  'empty' | 'too-large' | 'not-an-image' | 'format-not-allowed' | 'too-many-pixels' | 'truncated' | 'corrupt';

/** An input that cannot become a normalized image; ingest quarantines it with this reason. */
export class ImageRejectedError extends Error {
  override readonly name = 'ImageRejectedError';
  constructor(
    readonly reason: RejectReason,
    message: string,
  ) {
    super(`image: ${message}`);
  }
}

import { CreateBucketCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { describeS3Error, httpStatus } from './s3-errors.js';

/** Creates the bucket unless it exists (for the local MinIO and tests). */
export async function ensureBucket(client: S3Client, bucket: string, endpoint?: string): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return;
  } catch (error) {
    if (httpStatus(error) !== 404) throw describeS3Error(error, `s3://${bucket}`, endpoint);
  }
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const name = (error as Error).name;
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists')
      throw describeS3Error(error, `s3://${bucket}`, endpoint);
  }
}

import type { S3Client } from '@aws-sdk/client-s3';
import type { Lake } from './lake.js';
import { openLake } from './open-lake.js';
import { createS3Client } from './s3-client.js';

/**
 * Opens lakes by URI for a worker's activities: one Lake per URI and one S3 client per process,
 * created on first use and closed together.
 */
export class LakeRegistry {
  private readonly lakes = new Map<string, Lake>();
  private s3: S3Client | undefined;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  open(uri: string): Lake {
    let lake = this.lakes.get(uri);
    if (!lake) {
      lake = openLake(uri, uri.trim().toLowerCase().startsWith('s3://') ? this.s3Client() : undefined);
      this.lakes.set(uri, lake);
    }
    return lake;
  }

  private s3Client(): S3Client {
    this.s3 ??= createS3Client(this.env);
    return this.s3;
  }

  async close(): Promise<void> {
    this.lakes.clear();
    this.s3?.destroy();
    this.s3 = undefined;
  }
}

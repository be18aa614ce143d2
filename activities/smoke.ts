import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDeps } from './deps.js';

export interface SmokeWriteInput {
  readonly lakeUri: string;
  readonly runId: string;
}
export interface SmokeObject {
  readonly key: string;
  readonly bytes: number;
  readonly sha256: string;
  /** False when a retry found the object already written by an earlier attempt. */
  readonly created: boolean;
}
export interface SmokeVerifyOutput {
  readonly key: string;
  readonly verified: boolean;
  readonly objectsUnderPrefix: number;
}

/** Activities of the smoke workflow: a put-if-absent commit to the lake and a read-back check. */
export function createSmokeActivities({ lakes }: ActivityDeps) {
  return {
    async smokeWrite({ lakeUri, runId }: SmokeWriteInput): Promise<SmokeObject> {
      const key = `smoke/${runId}.json`;
      // Deterministic content: a retried attempt writes the same bytes to the same key.
      const body = JSON.stringify({ kind: 'imagelake-smoke', runId });
      const created = await lakes.open(lakeUri).putIfAbsent(key, body);
      return { key, bytes: Buffer.byteLength(body), sha256: sha256(body), created };
    },

    async smokeVerify({
      lakeUri,
      key,
      sha256: expected,
    }: {
      lakeUri: string;
      key: string;
      sha256: string;
    }): Promise<SmokeVerifyOutput> {
      const lake = lakes.open(lakeUri);
      const actual = sha256(await lake.get(key));
      if (actual !== expected) {
        throw ApplicationFailure.nonRetryable(
          `smoke: ${key} has sha256 ${actual}, expected ${expected}`,
          'SmokeMismatch',
        );
      }
      let objectsUnderPrefix = 0;
      for await (const _ of lake.list('smoke/')) objectsUnderPrefix++;
      return { key, verified: true, objectsUnderPrefix };
    },
  };
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

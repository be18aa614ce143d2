import { join } from 'node:path';
import { MetadataMirror } from '../lib/catalog/mirror.js';
import { openSandbox, type Sandbox } from '../lib/catalog/sandbox.js';
import { loadSnapshot, type LakeSnapshot } from '../lib/catalog/snapshot.js';
import type { Config } from '../lib/config.js';
import type { Lake } from '../lib/lake/lake.js';
import { assertLakeDirectory } from '../lib/lake/lake-directory.js';
import { openLake } from '../lib/lake/open-lake.js';

export interface CatalogSession {
  readonly lake: Lake;
  readonly snapshot: LakeSnapshot;
  readonly sandbox: Sandbox;
}

/** Read-only commands run here, in this process: the lake's committed state and the sandboxed catalog. */
export async function withCatalog<T>(
  config: Config,
  lakeUri: string,
  fn: (session: CatalogSession) => Promise<T>,
): Promise<T> {
  assertLakeDirectory(lakeUri, { mustExist: true });
  const lake = openLake(lakeUri);
  try {
    const snapshot = await loadSnapshot(lake, new MetadataMirror(join(config.cacheDir, 'metadata')));
    const sandbox = await openSandbox(snapshot, config.labelPrecedence, { limits: config.queryLimits });
    try {
      return await fn({ lake, snapshot, sandbox });
    } finally {
      sandbox.close();
    }
  } finally {
    await lake.close();
  }
}

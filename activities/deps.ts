import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';
import { MetadataMirror } from '../lib/catalog/mirror.js';
import { BatchCache } from '../lib/dataset/batch-cache.js';
import type { Config } from '../lib/config.js';
import { LakeRegistry } from '../lib/lake/lake-registry.js';
import { Memo } from '../lib/util/memo.js';

/** What activities need from the outside world; the worker builds it once and injects it. */
export interface ActivityDeps {
  readonly config: Config;
  readonly lakes: LakeRegistry;
  /** Local copies of S3 metadata objects for DuckDB. */
  readonly mirror: MetadataMirror;
  /** The worker's in-memory DuckDB, created on first use; take a connection per task. */
  duckdb(): Promise<DuckDBInstance>;
  /**
   * Per-worker memo of values costly to build again (a lake's committed hashes, loaded models,
   * decoded IDX files), within a byte budget, least recently used out; models are disposed.
   */
  readonly memo: Memo;
  /**
   * Decoded training batch files, shared by the trainings this worker runs: the trials of a sweep
   * on one dataset decode its files once per worker, not once per trial.
   */
  readonly trainingBatches: BatchCache;
}

/** The decoded-pixels budget of a worker's training cache: about 680,000 images of 28x28. */
const TRAINING_CACHE_BYTES = 512 * 2 ** 20;
/** The memo's budget: the hashes of a large lake, or several IDX files and models. */
const MEMO_BYTES = 512 * 2 ** 20;

export function createActivityDeps(config: Config, env: NodeJS.ProcessEnv = process.env): ActivityDeps {
  let instance: Promise<DuckDBInstance> | undefined;
  return {
    config,
    lakes: new LakeRegistry(env),
    mirror: new MetadataMirror(join(config.cacheDir, 'metadata')),
    // No external file cache: it keeps blocks of every file read (each run's staging and tables)
    // up to the memory limit, most of the machine's memory by default, and this worker reads most
    // files once.
    duckdb: () =>
      (instance ??= DuckDBInstance.create(':memory:', { threads: '2', enable_external_file_cache: 'false' })),
    memo: new Memo(MEMO_BYTES),
    trainingBatches: new BatchCache(TRAINING_CACHE_BYTES),
  };
}

export async function closeActivityDeps(deps: ActivityDeps): Promise<void> {
  await deps.lakes.close();
  deps.memo.clear();
  const instance = await deps.duckdb();
  instance.closeSync();
}

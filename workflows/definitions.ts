import { defineQuery } from '@temporalio/workflow';

/** Ingest progress as the CLI shows it (counts of finished chunks). */
export interface IngestProgress {
  readonly phase: 'planning' | 'ingesting' | 'committing' | 'done';
  readonly itemCount: number;
  readonly chunkCount: number;
  readonly chunksDone: number;
  readonly seen: number;
  readonly ingested: number;
  readonly duplicates: number;
  readonly quarantined: number;
}

export const ingestProgressQuery = defineQuery<IngestProgress>('ingestProgress');

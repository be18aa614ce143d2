import type { IngestSource } from './source.js';
import type { IngestTable } from './layout.js';

/** The counts an ingest run reports; seen = ingested + duplicates + quarantined. */
export interface IngestCounts {
  seen: number;
  ingested: number;
  duplicates: number;
  quarantined: number;
  batches: number;
  bytes: number;
}

export const zeroCounts = (): IngestCounts => ({
  seen: 0,
  ingested: 0,
  duplicates: 0,
  quarantined: 0,
  batches: 0,
  bytes: 0,
});

export function addCounts(a: IngestCounts, b: IngestCounts): IngestCounts {
  return {
    seen: a.seen + b.seen,
    ingested: a.ingested + b.ingested,
    duplicates: a.duplicates + b.duplicates,
    quarantined: a.quarantined + b.quarantined,
    batches: a.batches + b.batches,
    bytes: a.bytes + b.bytes,
  };
}

/** The commit record of an ingest run: published once with put-if-absent; readers trust only these. */
export interface IngestManifest {
  readonly kind: 'ingest';
  readonly runId: string;
  readonly committedAt: string;
  readonly source: IngestSource;
  readonly classes: readonly string[];
  readonly counts: IngestCounts;
  /**
   * Of the duplicates, those another run stored while this one ran (found at commit). Absent in
   * manifests from before the commit log: none were found then.
   */
  readonly concurrentDuplicates?: number;
  /** Duplicates whose label differs from the stored image's label. */
  readonly labelConflicts: number;
  /** The run's position in the commit log. Absent in manifests from before the log. */
  readonly commit?: number;
  /** The identity of the run's request (ingestRequestId). Absent in manifests from before it. */
  readonly request?: string;
  /** Lake keys of the run's metadata tables. */
  readonly tables: Readonly<Record<IngestTable, string>>;
}

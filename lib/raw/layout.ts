// Where the raw zone keeps originals. Aggregated ones are written per part of an ingest run, under
// keys fixed by (run, chunk, part), so a retry rewrites the same objects (raw/runs/<run>/: owned by
// the run, for gc); an original too large to aggregate is an object of its own named by its
// sha256, stored once whichever run brings it (raw/sha256/: gc never collects it).

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export const rawLayout = {
  /** The n-th Avro container of originals of one part of an ingest run. */
  container: (runId: string, chunk: number, part: number, n: number) =>
    `raw/runs/${runId}/c${pad(chunk, 6)}-p${pad(part, 3)}-${pad(n, 2)}.avro`,
  /** An original stored as an object of its own, at its content address. */
  object: (sha256: string) => `raw/sha256/${sha256.slice(0, 2)}/${sha256}`,
} as const;

/** How originals are grouped into objects. */
export interface RawLimits {
  /** An original of at least this many bytes is an object of its own. Default 4 MiB. */
  readonly ownObjectBytes: number;
  /** A container is closed once its originals add up to this many bytes. Default 64 MiB. */
  readonly containerBytes: number;
}

export const defaultRawLimits: RawLimits = Object.freeze({
  ownObjectBytes: 4 * 1024 * 1024,
  containerBytes: 64 * 1024 * 1024,
});

import type { SplitName, SplitSpec } from './splits.js';

/** The commit record of one dataset version: immutable once published with put-if-absent. */
export interface DatasetManifest {
  readonly kind: 'dataset';
  readonly name: string;
  readonly version: number;
  /** `name@version`. */
  readonly ref: string;
  readonly createdAt: string;
  /** The user's query, as given: it returned the member image ids. */
  readonly query: string;
  readonly seed: number;
  readonly split: SplitSpec;
  readonly stratify: boolean;
  /** Class names; a member's class_index indexes this list. */
  readonly classes: readonly string[];
  readonly counts: Readonly<Record<SplitName | 'total' | 'unlabeled', number>>;
  /** The committed lake state the query ran against: the manifests it saw. */
  readonly snapshot: { readonly id: string; readonly manifests: readonly string[] };
  /** sha256 over the sorted members (sha256, label, split) and the classes: equal means unchanged. */
  readonly contentHash: string;
  readonly tables: { readonly dataset_members: string };
}

const pad = (n: number) => String(n).padStart(6, '0');

export const datasetLayout = {
  manifestPrefix: (name: string) => `manifests/datasets/${name}/`,
  manifest: (name: string, version: number) => `manifests/datasets/${name}/v${pad(version)}.json`,
  /** Named by version and content: two writers racing for one version never overwrite each other. */
  members: (name: string, version: number, contentHash: string) =>
    `meta/dataset_members/${name}/v${pad(version)}-${contentHash.slice(0, 16)}.parquet`,
} as const;

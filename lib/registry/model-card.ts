/** One epoch of a training curve. */
export interface EpochMetrics {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly valLoss: number | null;
  readonly valAccuracy: number | null;
  readonly seconds: number;
  readonly samplesPerSecond: number;
}

/** Everything known about a registered model: what it is, what it learned from, how it went. */
export interface ModelCard {
  readonly kind: 'model';
  readonly id: string;
  readonly arch: string;
  /** Learning parameters as given (after defaults). */
  readonly params: Readonly<Record<string, number | string | boolean | null>>;
  readonly seed: number;
  readonly dataset: {
    readonly ref: string;
    readonly name: string;
    readonly version: number;
    readonly contentHash: string;
  };
  readonly classes: readonly string[];
  readonly input: { readonly width: number; readonly height: number };
  readonly curves: readonly EpochMetrics[];
  /** Why training stopped: all epochs, early stopping (patience) or an ASHA/median cut. */
  readonly stopped: 'completed' | 'early-stopped' | 'pruned';
  readonly backend: string;
  readonly versions: Readonly<Record<string, string>>;
  readonly codeVersion: string;
  readonly trainSeconds: number;
  readonly samplesPerSecond: number;
  readonly createdAt: string;
  /** Lake keys of the TF.js artifacts. */
  readonly artifacts: { readonly modelJson: string; readonly weights: string };
  /** Set by the sweep that trained it, if any. */
  readonly sweepId: string | null;
}

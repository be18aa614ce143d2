import type * as tf from '@tensorflow/tfjs';
import type { Lake } from '../lake/lake.js';
import { loadModel, predictProbabilities } from '../model/index.js';
import { currentAlias } from '../registry/aliases.js';
import { resolveModel } from '../registry/resolve-model.js';
import type { ModelCard } from '../registry/model-card.js';

/** A loaded model and how many requests are using it (it is disposed only when none are). */
export interface LoadedModel {
  readonly card: ModelCard;
  readonly model: tf.LayersModel;
  inFlight: number;
  retired: boolean;
}

/**
 * The model a service answers with, following an alias: when the alias moves, the new model is
 * loaded and warmed up in the background, then swapped in with one assignment. Requests that
 * started on the old model finish on it; it is disposed after the last of them.
 */
export class ModelSlot {
  private current: LoadedModel | undefined;
  private checking = false;
  lastError: string | undefined;

  constructor(
    private readonly lake: Lake,
    readonly target: string,
  ) {}

  get modelId(): string | undefined {
    return this.current?.card.id;
  }

  /** Loads the target's current model if it changed; safe to call on a timer. */
  async refresh(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const move = await currentAlias(this.lake, this.target).catch(() => undefined);
      const id = move?.modelId ?? this.target;
      if (id === this.current?.card.id) return;
      const card = await resolveModel(this.lake, id);
      const model = await loadModel({
        modelJson: (await this.lake.get(card.artifacts.modelJson)).toString(),
        weights: await this.lake.get(card.artifacts.weights),
      });
      // Warm-up: the first predict compiles kernels; do it before any request sees this model.
      predictProbabilities(model, { x: new Float32Array(card.input.width * card.input.height), n: 1 });
      const old = this.current;
      this.current = { card, model, inFlight: 0, retired: false };
      if (old) {
        old.retired = true;
        if (old.inFlight === 0) old.model.dispose();
      }
      this.lastError = undefined;
    } catch (error) {
      // Keep serving the model we have; the reason is reported by /healthz and the next refresh retries.
      this.lastError = (error as Error).message;
    } finally {
      this.checking = false;
    }
  }

  /** Runs fn with the current model, holding it until fn settles. */
  async use<T>(fn: (m: LoadedModel) => Promise<T> | T): Promise<T> {
    const m = this.current;
    if (!m)
      throw new Error(
        `serve: no model loaded for "${this.target}"${this.lastError ? `: ${this.lastError}` : ''}`,
      );
    m.inFlight++;
    try {
      return await fn(m);
    } finally {
      m.inFlight--;
      if (m.retired && m.inFlight === 0) m.model.dispose();
    }
  }
}

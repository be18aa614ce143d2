import { defaultNormalizeOptions, ImageRejectedError, normalizeImage } from '../image/index.js';
import { argMax, predictProbabilities } from '../model/index.js';
import type { LoadedModel } from './model-slot.js';
import { RequestError } from './request-images.js';

/** One image's answer: the predicted class and the most probable ones. */
export interface Prediction {
  readonly class: number;
  readonly name: string;
  readonly probability: number;
  readonly top: readonly { class: number; name: string; probability: number }[];
}

export interface PredictOptions {
  /** Pixels the request may decode in all (see RequestLimits.maxPixels). */
  readonly maxPixels: number;
  readonly topK: number;
  /** Aborted when the client leaves: the work stops at the next image. */
  readonly signal: AbortSignal;
}

/** Images decoded and predicted at a time. */
const CHUNK = 64;

/**
 * The predictions of a request's images, decoded and predicted a chunk at a time: the memory a
 * request holds is one chunk's, whatever the number of images, and between chunks the event loop
 * turns, so a client that left is noticed (its signal aborts the work) and other requests are
 * served. The images may decode to `maxPixels` in all: one that would pass it is refused (413)
 * before it is decoded.
 */
export async function predictImages(
  images: readonly Uint8Array[],
  { card, model }: LoadedModel,
  o: PredictOptions,
): Promise<Prediction[]> {
  const { width, height } = card.input;
  const size = width * height;
  const x = new Float32Array(Math.min(CHUNK, images.length) * size);
  const out: Prediction[] = [];
  let pixels = o.maxPixels;
  for (let start = 0; start < images.length; start += CHUNK) {
    const n = Math.min(CHUNK, images.length - start);
    for (let i = 0; i < n; i++) {
      o.signal.throwIfAborted();
      const at = start + i;
      // The image may decode no more than what is left of the request's pixels.
      const bound = Math.min(defaultNormalizeOptions.maxInputPixels, pixels);
      if (bound < 1) throw tooManyPixels(o.maxPixels, at, images.length);
      const image = await normalizeImage(images[at]!, { width, height, maxInputPixels: bound }).catch(
        (error: unknown) => {
          const byRequest = bound < defaultNormalizeOptions.maxInputPixels;
          if (byRequest && error instanceof ImageRejectedError && error.reason === 'too-many-pixels')
            throw tooManyPixels(o.maxPixels, at, images.length);
          throw error;
        },
      );
      pixels -= image.original.width * image.original.height;
      for (let p = 0; p < size; p++) x[i * size + p] = image.pixels[p]! / 255;
    }
    o.signal.throwIfAborted();
    const probs = predictProbabilities(model, { x: x.subarray(0, n * size), n });
    for (let i = 0; i < n; i++) out.push(prediction(probs, i, card.classes, o.topK));
    if (start + CHUNK < images.length) await new Promise((resolve) => setImmediate(resolve));
  }
  return out;
}

function prediction(probs: Float32Array, i: number, classes: readonly string[], topK: number): Prediction {
  const k = classes.length;
  const row = Array.from(probs.subarray(i * k, (i + 1) * k));
  const best = argMax(row);
  const top = row
    .map((p, c) => ({ class: c, name: classes[c] ?? String(c), probability: p }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, topK);
  return { class: best, name: classes[best] ?? String(best), probability: row[best]!, top };
}

const tooManyPixels = (max: number, at: number, count: number) =>
  new RequestError(
    413,
    `serve: the request's images decode to more than the ${max}-pixel limit (image ${at + 1} of ${count} would pass it)`,
  );

import { createHash } from 'node:crypto';

/**
 * A model's id from what defines it: dataset content, arch, every learning parameter and the
 * seed. The same trial always gets the same id, so a resumed sweep skips what it already trained
 * (as the original named models by their parameters).
 */
export function modelId(input: {
  readonly datasetContentHash: string;
  readonly arch: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly seed: number;
}): string {
  const params = Object.fromEntries(Object.entries(input.params).sort(([a], [b]) => a.localeCompare(b)));
  const digest = createHash('sha256')
    .update(JSON.stringify([input.datasetContentHash, input.arch, params, input.seed]))
    .digest('hex');
  return `${input.arch}-${digest.slice(0, 16)}`;
}

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { FASHION_MNIST_CLASSES, findFashionMnist, openIdxPair } from '../../lib/idx/index.js';
import { seededRandom, shuffleInPlace } from '../../lib/util/prng.js';
import { IngestWorkflow } from '../../workflows/index.js';

/**
 * The first n real Fashion-MNIST training images written as an IDX pair in the given order:
 * sorted by label (as a listing of class folders gives them to ingest) or in a seeded random one.
 */
export async function fashionIdxInOrder(
  n: number,
  order: 'by-label' | 'random',
): Promise<{ images: string; labels: string }> {
  const fm = findFashionMnist();
  const idx = await openIdxPair(fm.trainImages, fm.trainLabels);
  const items = Array.from({ length: n }, (_, i) => i);
  if (order === 'by-label') items.sort((a, b) => idx.label(a) - idx.label(b) || a - b);
  else shuffleInPlace(items, seededRandom(n));
  const dir = mkdtempSync(join(tmpdir(), `imagelake-fm-${order}-`));
  const header = (magic: number, dims: number[]) =>
    Buffer.from(new Uint32Array([magic, ...dims]).buffer).swap32();
  const images = join(dir, 'images-idx3-ubyte');
  const labels = join(dir, 'labels-idx1-ubyte');
  writeFileSync(images, Buffer.concat([header(0x803, [n, 28, 28]), ...items.map((i) => idx.image(i))]));
  writeFileSync(labels, Buffer.concat([header(0x801, [n]), Buffer.from(items.map((i) => idx.label(i)))]));
  return { images, labels };
}

/** Ingests an IDX pair of Fashion-MNIST images, labels as its classes, with ingest's defaults. */
export function ingestFashionIdx(
  client: Client,
  taskQueue: string,
  lakeUri: string,
  source: { images: string; labels: string },
  workflowId: string,
) {
  return client.workflow.execute(IngestWorkflow, {
    taskQueue,
    workflowId,
    args: [
      {
        lakeUri,
        source: { kind: 'idx', ...source },
        labels: { kind: 'idx' },
        classes: [...FASHION_MNIST_CLASSES],
        normalize: {},
      },
    ],
  });
}

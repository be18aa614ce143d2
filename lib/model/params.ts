import { UserError } from '../errors.js';

export type Arch = 'mlp' | 'cnn';
export const ARCHS: readonly Arch[] = ['mlp', 'cnn'];
export type OptimizerName = 'nesterov' | 'sgd' | 'adam';

/** Learning parameters of one training run. */
export interface TrainParams {
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly momentum: number;
  /** L2 penalty on dense and conv kernels (not biases), added to the loss as l2/2 * sum(w^2). */
  readonly l2: number;
  readonly optimizer: OptimizerName;
  readonly seed: number;
  /** Stop when validation loss has not improved for this many epochs; 0 never stops early. */
  readonly patience: number;
}

/** The original DL4J defaults for the mlp; the cnn uses Adam at 0.001. */
export function defaultParams(arch: Arch): TrainParams {
  if (arch === 'cnn')
    return {
      epochs: 5,
      batchSize: 64,
      lr: 0.001,
      momentum: 0,
      l2: 0,
      optimizer: 'adam',
      seed: 123,
      patience: 0,
    };
  return {
    epochs: 15,
    batchSize: 128,
    lr: 0.006,
    momentum: 0.98,
    l2: 0.006 * 0.005,
    optimizer: 'nesterov',
    seed: 123,
    patience: 0,
  };
}

const NUMERIC: Record<string, { min: number; max: number; integer: boolean; exclusiveMin?: boolean }> = {
  epochs: { min: 1, max: 1000, integer: true },
  batchSize: { min: 1, max: 65536, integer: true },
  lr: { min: 0, max: 1e6, integer: false, exclusiveMin: true },
  momentum: { min: 0, max: 0.999999, integer: false },
  l2: { min: 0, max: 1e3, integer: false },
  seed: { min: 0, max: 2 ** 31 - 1, integer: true },
  patience: { min: 0, max: 1000, integer: true },
};

const ALIASES: Record<string, string> = { 'batch-size': 'batchSize', batch: 'batchSize', learningRate: 'lr' };

/** Validates and completes parameters; unknown names and bad values are UserErrors naming them. */
export function resolveParams(arch: Arch, given: Readonly<Record<string, unknown>>): TrainParams {
  if (!ARCHS.includes(arch))
    throw new UserError(`model: unknown arch "${arch}": expected ${ARCHS.join(' or ')}`);
  const out: Record<string, unknown> = { ...defaultParams(arch) };
  const lrGiven = given.lr !== undefined && given.l2 === undefined && arch === 'mlp';
  for (const [rawName, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const name = ALIASES[rawName] ?? rawName;
    if (name === 'optimizer') {
      if (value !== 'nesterov' && value !== 'sgd' && value !== 'adam')
        throw new UserError(`model: optimizer must be nesterov, sgd or adam, got "${String(value)}"`);
      out.optimizer = value;
      continue;
    }
    const rule = NUMERIC[name];
    if (!rule)
      throw new UserError(
        `model: unknown parameter "${rawName}" (known: ${[...Object.keys(NUMERIC), 'optimizer'].join(', ')})`,
      );
    const n = typeof value === 'number' ? value : Number(value);
    const low = rule.exclusiveMin ? n <= rule.min : n < rule.min;
    if (!Number.isFinite(n) || low || n > rule.max || (rule.integer && !Number.isInteger(n)))
      throw new UserError(
        `model: expected ${name} ${rule.integer ? 'an integer ' : ''}in ${rule.exclusiveMin ? '(' : '['}${rule.min}, ${rule.max}], got "${String(value)}"`,
      );
    out[name] = n;
  }
  // The original tied l2 to the learning rate (l2 = lr * 0.005) unless set.
  if (lrGiven) out.l2 = (out.lr as number) * 0.005;
  return out as unknown as TrainParams;
}

/** Parses `key=value` flags (`--param lr=0.01`) into raw parameters. */
export function parseParamList(items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UserError(`model: expected name=value, got "${item}"`);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return out;
}

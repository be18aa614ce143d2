import { UserError } from '../errors.js';

export type Arch = 'mlp' | 'cnn';
export const ARCHS: readonly Arch[] = ['mlp', 'cnn'];
export type OptimizerName = 'nesterov' | 'sgd' | 'adam';
export const OPTIMIZERS: readonly OptimizerName[] = ['nesterov', 'sgd', 'adam'];

/** Learning parameters of one training run. */
export interface TrainParams {
  /** Passes over the train split. mlp 15, cnn 10. */
  readonly epochs: number;
  /** Images per gradient step. mlp 128, cnn 64. */
  readonly batchSize: number;
  /** Learning rate. mlp 0.006, cnn 0.001 (Adam). */
  readonly lr: number;
  /** Momentum of sgd and nesterov (ignored by adam). mlp 0.98. */
  readonly momentum: number;
  /**
   * L2 penalty on dense and conv kernels (not biases), DL4J's convention: l2/2 * sum(w^2) added to
   * the objective, so l2 * w added to the gradient. mlp lr * 0.005 (follows lr unless given).
   */
  readonly l2: number;
  /** nesterov (SGD with Nesterov momentum, the original), sgd (classic momentum when momentum > 0) or adam. */
  readonly optimizer: OptimizerName;
  /** Seeds the initial weights (and the reader's shuffle). 123. */
  readonly seed: number;
  /** Stop when validation loss has not improved for this many epochs; 0 never stops early. */
  readonly patience: number;
}

/** The original DL4J defaults for the mlp; the cnn uses Adam at 0.001. */
export function defaultParams(arch: Arch): TrainParams {
  if (arch === 'cnn')
    return {
      epochs: 10,
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

type NumericName = Exclude<keyof TrainParams, 'optimizer'>;

/** Each numeric parameter's rule, worded as its error message says it. */
const RULES: Record<NumericName, { readonly test: (n: number) => boolean; readonly expected: string }> = {
  epochs: {
    test: (n) => Number.isInteger(n) && n >= 1 && n <= 10_000,
    expected: 'an integer from 1 to 10000',
  },
  batchSize: {
    test: (n) => Number.isInteger(n) && n >= 1 && n <= 65_536,
    expected: 'an integer from 1 to 65536',
  },
  lr: { test: (n) => n > 0, expected: '> 0' },
  momentum: { test: (n) => n >= 0 && n < 1, expected: 'in [0, 1)' },
  l2: { test: (n) => n >= 0, expected: '>= 0' },
  seed: {
    test: (n) => Number.isInteger(n) && n >= 0 && n <= 2 ** 31 - 1,
    expected: 'an integer from 0 to 2147483647',
  },
  patience: {
    test: (n) => Number.isInteger(n) && n >= 0 && n <= 10_000,
    expected: 'an integer from 0 to 10000',
  },
};
const KNOWN = [...Object.keys(RULES), 'optimizer'];
/** Other spellings accepted on the command line and in config files. */
const ALIASES: Readonly<Record<string, string>> = {
  'batch-size': 'batchSize',
  batch: 'batchSize',
  learningRate: 'lr',
  'learning-rate': 'lr',
};
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Validates and completes parameters given as numbers or strings (flags, config files, sweep
 * grids): unknown names and bad values are UserErrors naming them, e.g.
 * `model: unknown parameter "foo" (known: ...)` or `model: expected lr > 0, got -1`.
 */
export function resolveParams(arch: Arch, given: Readonly<Record<string, unknown>>): TrainParams {
  if (!ARCHS.includes(arch))
    throw new UserError(`model: unknown arch "${String(arch)}": expected ${ARCHS.join(' or ')}`);
  const out: Record<string, unknown> = { ...defaultParams(arch) };
  for (const [rawName, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const name = ALIASES[rawName] ?? rawName;
    if (name === 'optimizer') {
      if (!OPTIMIZERS.includes(value as OptimizerName))
        throw new UserError(
          `model: expected optimizer to be one of ${OPTIMIZERS.join(', ')}, got "${String(value)}"`,
        );
      out.optimizer = value;
      continue;
    }
    const rule = RULES[name as NumericName] as (typeof RULES)[NumericName] | undefined;
    if (!rule) throw new UserError(`model: unknown parameter "${rawName}" (known: ${KNOWN.join(', ')})`);
    const n = toNumber(value);
    if (n === undefined || !Number.isFinite(n) || !rule.test(n))
      throw new UserError(`model: expected ${name} ${rule.expected}, got ${shown(value)}`);
    out[name] = n;
  }
  // The original tied l2 to the learning rate (l2 = lr * 0.005) unless l2 is given.
  if (arch === 'mlp' && given.lr !== undefined && given.l2 === undefined) out.l2 = (out.lr as number) * 0.005;
  return out as unknown as TrainParams;
}

/**
 * Parses `key=value` items (`--param lr=0.01`, or one string `"lr=0.01, epochs=3"`) into raw
 * parameters for resolveParams.
 */
export function parseParamList(items: string | readonly string[]): Record<string, string> {
  const list = typeof items === 'string' ? items.split(/[,\s]+/).filter(Boolean) : items;
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UserError(`model: expected name=value, got "${item}"`);
    const name = item.slice(0, eq).trim();
    if (Object.hasOwn(out, name)) throw new UserError(`model: parameter "${name}" given twice`);
    out[name] = item.slice(eq + 1).trim();
  }
  return out;
}

/** parseParamList then resolveParams: `parseParams('mlp', 'lr=0.01 epochs=3')`. */
export function parseParams(arch: Arch, items: string | readonly string[]): TrainParams {
  return resolveParams(arch, parseParamList(items));
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && NUMBER.test(value.trim())) return Number(value);
  return undefined;
}

function shown(value: unknown): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}

import { UserError } from '../errors.js';
import type { Lake } from '../lake/lake.js';
import { isAliasName, registryLayout } from './layout.js';

/** One move of an alias: what it pointed to from then on, and why. */
export interface AliasMove {
  readonly kind: 'alias';
  readonly alias: string;
  readonly version: number;
  readonly modelId: string;
  readonly previousModelId: string | null;
  readonly movedAt: string;
  readonly reason: string;
}

export function validateAlias(alias: string): string {
  if (!isAliasName(alias))
    throw new UserError(
      `models: invalid alias "${alias}": lowercase letters, digits, "_" and "-", at most 40`,
    );
  return alias;
}

/** Every move of an alias, oldest first: its history. */
export async function aliasHistory(lake: Lake, alias: string): Promise<AliasMove[]> {
  const moves: AliasMove[] = [];
  for await (const o of lake.list(registryLayout.aliasPrefix(validateAlias(alias))))
    if (/\/v\d{6}\.json$/.test(o.key))
      moves.push(JSON.parse((await lake.get(o.key)).toString()) as AliasMove);
  return moves.sort((a, b) => a.version - b.version);
}

/** The alias's current move, undefined when it was never set. */
export async function currentAlias(lake: Lake, alias: string): Promise<AliasMove | undefined> {
  return (await aliasHistory(lake, alias)).at(-1);
}

/** Thrown when another writer moved the alias between our read and our write, or it is not where the caller expects. */
export class AliasConflictError extends UserError {
  constructor(alias: string, what: string) {
    super(`models: alias "${alias}" ${what}; read it again and retry`);
  }
}

/**
 * Moves an alias atomically: the next version is published with put-if-absent, so of two
 * concurrent moves exactly one wins and the other gets AliasConflictError. Readers see the
 * old target or the new one, never a mix.
 */
export async function moveAlias(
  lake: Lake,
  alias: string,
  modelId: string,
  reason: string,
  expected?: AliasMove,
): Promise<AliasMove> {
  const current = expected ?? (await currentAlias(lake, alias));
  const move: AliasMove = {
    kind: 'alias',
    alias: validateAlias(alias),
    version: (current?.version ?? 0) + 1,
    modelId,
    previousModelId: current?.modelId ?? null,
    movedAt: new Date().toISOString(),
    reason,
  };
  if (
    !(await lake.putIfAbsent(registryLayout.aliasVersion(alias, move.version), JSON.stringify(move, null, 2)))
  )
    throw new AliasConflictError(alias, `was moved by someone else (version ${move.version} exists)`);
  return move;
}

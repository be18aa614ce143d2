import { UserError } from '../errors.js';

/** `name` or `name@version`, as every command that takes a dataset accepts it. */
export interface DatasetRef {
  readonly name: string;
  /** Undefined: the latest version. */
  readonly version?: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Dataset names become key segments: a safe alphabet, at most 64 characters. */
export function validateDatasetName(name: string): string {
  if (!NAME.test(name) || name.includes('..'))
    throw new UserError(
      `dataset: invalid name "${name}": letters, digits, "_", "-" and "." only, at most 64, starting with a letter or digit`,
    );
  return name;
}

export function parseDatasetRef(text: string): DatasetRef {
  const at = text.lastIndexOf('@');
  if (at < 0) return { name: validateDatasetName(text) };
  const name = validateDatasetName(text.slice(0, at));
  const versionText = text.slice(at + 1);
  const version = Number(versionText);
  if (!/^\d+$/.test(versionText) || !Number.isSafeInteger(version) || version < 1)
    throw new UserError(`dataset: invalid version in "${text}": expected name@N with N >= 1`);
  return { name, version };
}

export const formatDatasetRef = (name: string, version: number): string => `${name}@${version}`;

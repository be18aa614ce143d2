import { resolveParams, type Arch } from './params.js';

/**
 * Refuses, before anything starts, what the training workflow would refuse only after the stages
 * before it: the parameters shared by every trial, and each value a sweep's grid gives one
 * (epochs, batch size and patience size the work inside the workflow).
 */
export function assertTrainParams(
  arch: Arch,
  params: Readonly<Record<string, unknown>>,
  grid: Readonly<Record<string, readonly unknown[]>> = {},
): void {
  resolveParams(arch, params);
  for (const [name, values] of Object.entries(grid))
    for (const value of values) resolveParams(arch, { ...params, [name]: value });
}

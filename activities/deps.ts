import type { Config } from '../lib/config.js';
import { LakeRegistry } from '../lib/lake/lake-registry.js';

/** What activities need from the outside world; the worker builds it once and injects it. */
export interface ActivityDeps {
  readonly config: Config;
  readonly lakes: LakeRegistry;
}

export function createActivityDeps(config: Config, env: NodeJS.ProcessEnv = process.env): ActivityDeps {
  return { config, lakes: new LakeRegistry(env) };
}

export async function closeActivityDeps(deps: ActivityDeps): Promise<void> {
  await deps.lakes.close();
}

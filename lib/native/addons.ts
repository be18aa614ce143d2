// The optional native addons: what each is built from, where the build lives, how it is built and
// loaded. `npx tsx lib/native/build.ts` builds them all (infra/setup.sh runs it); without one, its
// users take their slower portable path.
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig } from '../config.js';

export interface NativeAddon {
  readonly name: string;
  readonly source: string;
  readonly flags: readonly string[];
  readonly libs: readonly string[];
  /** What building it needs, for messages. */
  readonly needs: string;
}

export const GEMM_ADDON: NativeAddon = {
  name: 'gemm',
  source: fileURLToPath(new URL('../model/native/gemm.c', import.meta.url)),
  // -O3 vectorizes the momentum loop; -ffp-contract=off keeps its rounding TF.js's (see gemm.c).
  flags: ['-O3', '-ffp-contract=off'],
  libs: ['-lopenblas'],
  needs: 'cc and libopenblas-dev',
};

export const CODEC_ADDON: NativeAddon = {
  name: 'codec',
  source: fileURLToPath(new URL('./codec.c', import.meta.url)),
  flags: ['-O2'],
  libs: ['-ldeflate'],
  needs: 'cc and libdeflate-dev',
};

export const NATIVE_ADDONS: readonly NativeAddon[] = [GEMM_ADDON, CODEC_ADDON];

/** Where the addon built from this exact source and flags lives: a changed source gets a new file. */
export function addonPath(addon: NativeAddon, cacheDir: string = loadConfig().cacheDir): string {
  const hash = createHash('sha256')
    .update(readFileSync(addon.source))
    .update([...addon.flags, ...addon.libs].join(' '))
    .update(`${process.platform}-${process.arch}-napi${process.versions.napi ?? ''}`)
    .digest('hex')
    .slice(0, 16);
  return join(cacheDir, 'native', `${addon.name}-${hash}.node`);
}

function nodeHeaders(): string {
  const candidates = [
    join(dirname(dirname(process.execPath)), 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ];
  const found = candidates.find((dir) => existsSync(join(dir, 'node_api.h')));
  if (!found) throw new Error(`native: no Node headers (node_api.h) in ${candidates.join(', ')}`);
  return found;
}

/** Compiles the addon unless already built; returns its path or throws with the compiler's reason. */
export async function buildAddon(addon: NativeAddon, cacheDir?: string): Promise<string> {
  const out = addonPath(addon, cacheDir);
  if (existsSync(out)) return out;
  await mkdir(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  const args = [
    ...addon.flags,
    '-shared',
    '-fPIC',
    `-I${nodeHeaders()}`,
    addon.source,
    ...addon.libs,
    '-o',
    tmp,
  ];
  try {
    await promisify(execFile)(process.env.CC || 'cc', args, { timeout: 120_000 });
    await rename(tmp, out); // atomic: a concurrent loader sees the whole file or none
  } catch (error) {
    await rm(tmp, { force: true });
    const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new Error(`native: building the ${addon.name} addon failed (needs ${addon.needs}): ${detail}`);
  }
  return out;
}

/** The built addon's exports, or why there are none (not built, or it did not load). */
export function loadAddon<T>(addon: NativeAddon): T | { reason: string } {
  const path = addonPath(addon);
  if (!existsSync(path)) return { reason: `not built (npx tsx lib/native/build.ts; needs ${addon.needs})` };
  try {
    return createRequire(import.meta.url)(path) as T;
  } catch (error) {
    return { reason: `${path} did not load: ${(error as Error).message}` };
  }
}

// `npx tsx lib/model/native/build.ts`: builds the optional native GEMM once into the cache.
// Needs a C compiler, OpenBLAS's headers and library (Debian: libopenblas-dev) and Node's headers
// (shipped with Node in <prefix>/include/node). Without them training uses the wasm kernels.
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig } from '../../config.js';

const SOURCE = fileURLToPath(new URL('./gemm.c', import.meta.url));
// -O3 vectorizes the momentum loop; -ffp-contract=off keeps its rounding TF.js's (see gemm.c).
const FLAGS = ['-O3', '-ffp-contract=off'];

/** Where the addon built from this exact source and flags lives: a changed gemm.c gets a new file. */
export function nativeGemmPath(cacheDir: string = loadConfig().cacheDir): string {
  const hash = createHash('sha256')
    .update(readFileSync(SOURCE))
    .update(FLAGS.join(' '))
    .update(`${process.platform}-${process.arch}-napi${process.versions.napi ?? ''}`)
    .digest('hex')
    .slice(0, 16);
  return join(cacheDir, 'native', `gemm-${hash}.node`);
}

function nodeHeaders(): string {
  const candidates = [
    join(dirname(dirname(process.execPath)), 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ];
  const found = candidates.find((dir) => existsSync(join(dir, 'node_api.h')));
  if (!found) throw new Error(`model: no Node headers (node_api.h) in ${candidates.join(', ')}`);
  return found;
}

/** Compiles gemm.c unless already built; returns the addon's path or throws with the compiler's reason. */
export async function buildNativeGemm(cacheDir?: string): Promise<string> {
  const out = nativeGemmPath(cacheDir);
  if (existsSync(out)) return out;
  await mkdir(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  const args = [...FLAGS, '-shared', '-fPIC', `-I${nodeHeaders()}`, SOURCE, '-lopenblas', '-o', tmp];
  try {
    await promisify(execFile)(process.env.CC || 'cc', args, { timeout: 120_000 });
    await rename(tmp, out); // atomic: a concurrent loader sees the whole file or none
  } catch (error) {
    await rm(tmp, { force: true });
    const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new Error(`model: building the native GEMM failed (needs cc and libopenblas-dev): ${detail}`);
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildNativeGemm().then(
    (path) => console.log(`native gemm: ${path}`),
    // Optional: setup goes on without it and training uses the wasm kernels.
    (error: unknown) => console.log(`native gemm: not built: ${(error as Error).message}`),
  );
}

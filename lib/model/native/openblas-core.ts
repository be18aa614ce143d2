import { readFileSync } from 'node:fs';

/**
 * The OpenBLAS kernel family for a CPU's feature flags, or undefined to let OpenBLAS decide.
 * OpenBLAS 0.3.21 (Debian 12) does not know newer CPUs and falls back to its SSE3 `Prescott`
 * kernels, several times slower than the AVX-512 ones, and on AVX-512 EPYCs it picks the AVX2
 * `Zen` kernels, slower than `SkylakeX`.
 */
export function openblasCoreFor(flags: ReadonlySet<string>): string | undefined {
  if (['avx512f', 'avx512bw', 'avx512vl', 'avx512dq', 'avx512cd'].every((f) => flags.has(f)))
    return 'SkylakeX';
  if (flags.has('avx2') && flags.has('fma')) return 'Haswell';
  return undefined;
}

/** The flags of the first CPU in /proc/cpuinfo (empty where there is none, as off Linux). */
export function cpuFlags(cpuinfo = '/proc/cpuinfo'): Set<string> {
  let text: string;
  try {
    text = readFileSync(cpuinfo, 'utf8');
  } catch {
    return new Set(); // not Linux: OpenBLAS's own detection stands
  }
  const line = /^flags\s*:(.*)$/m.exec(text);
  return new Set(line ? line[1]!.trim().split(/\s+/) : []);
}

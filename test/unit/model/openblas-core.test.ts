import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuFlags, openblasCoreFor } from '../../../lib/model/native/openblas-core.js';

describe('openblasCoreFor', () => {
  it('picks the AVX-512 kernels for a CPU with the AVX-512 foundation and its companions', () => {
    const flags = new Set(['fma', 'avx2', 'avx512f', 'avx512bw', 'avx512vl', 'avx512dq', 'avx512cd']);
    expect(openblasCoreFor(flags)).toBe('SkylakeX');
  });

  it('picks the AVX2 kernels when AVX-512 is partial or absent', () => {
    expect(openblasCoreFor(new Set(['fma', 'avx2', 'avx512f']))).toBe('Haswell');
    expect(openblasCoreFor(new Set(['fma', 'avx2']))).toBe('Haswell');
  });

  it('leaves older CPUs to OpenBLAS', () => {
    expect(openblasCoreFor(new Set(['sse3', 'avx']))).toBeUndefined();
    expect(openblasCoreFor(new Set())).toBeUndefined();
  });
});

describe('cpuFlags', () => {
  it('reads the first flags line of a cpuinfo file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cpuinfo-')), 'cpuinfo');
    writeFileSync(file, 'processor\t: 0\nflags\t\t: fpu sse3 avx2 fma\n\nprocessor\t: 1\nflags\t\t: fpu\n');
    expect([...cpuFlags(file)]).toEqual(['fpu', 'sse3', 'avx2', 'fma']);
  });

  it('is empty where there is no cpuinfo', () => {
    expect(cpuFlags('/nonexistent/cpuinfo').size).toBe(0);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../../../lib/model/index.js';
import { kernelCases } from './kernel-cases.js';

let info: BackendInfo;
beforeAll(async () => {
  // This file runs in its own process (vitest forks): wasm kernels only, even where the native GEMM is built.
  process.env.IMAGELAKE_NATIVE_GEMM = 'off';
  info = await initBackend();
});

describe('wasm kernels without the native GEMM', () => {
  it('says so', () => {
    expect(info.name).toBe('wasm');
    expect(info.versions.gemm).toBe('xnnpack');
    expect(info.notices.join('\n')).toMatch(/native GEMM not in use: IMAGELAKE_NATIVE_GEMM=off/);
  });
  kernelCases();
});

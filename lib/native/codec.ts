import { CODEC_ADDON, loadAddon } from './addons.js';

/** The addon built from codec.c (libdeflate). */
export interface CodecAddon {
  /** The gray pixels of a small gray PNG, by the rules of decodeGrayPng in lib/image/png-fast.ts. */
  decodeGrayPng(png: Uint8Array): Buffer | undefined;
  /** A raw deflate stream inflated; undefined when malformed (or past 1 GiB). */
  inflateRaw(stream: Uint8Array): Buffer | undefined;
  /** A raw deflate stream of `block`, compressed on the thread pool; `block` must not change meanwhile. */
  deflateRaw(block: Uint8Array, level: number): Promise<Buffer>;
  readonly libdeflateVersion: string;
}

let loaded: CodecAddon | { reason: string } | undefined;

/**
 * The native codec when it was built and IMAGELAKE_NATIVE_CODEC is not `off`, else undefined
 * (callers use node:zlib; nativeCodecReason says why). Loaded once per process.
 */
export function nativeCodec(): CodecAddon | undefined {
  loaded ??= load(process.env);
  return 'reason' in loaded ? undefined : loaded;
}

/** Why the native codec is not in use, or undefined when it is. */
export function nativeCodecReason(): string | undefined {
  loaded ??= load(process.env);
  return 'reason' in loaded ? loaded.reason : undefined;
}

function load(env: NodeJS.ProcessEnv): CodecAddon | { reason: string } {
  const setting = (env.IMAGELAKE_NATIVE_CODEC ?? 'auto').toLowerCase();
  if (setting === 'off' || setting === '0' || setting === 'false')
    return { reason: 'IMAGELAKE_NATIVE_CODEC=off' };
  return loadAddon<CodecAddon>(CODEC_ADDON);
}

import { ImageRejectedError } from './errors.js';
import { isSpace } from './sniff.js';

export interface RawImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
}

/**
 * Decodes PGM (P2, P5) and PPM (P3, P6), maxval up to 65535 scaled to 8 bits. sharp does not read
 * netpbm; the raw result goes through the same sharp pipeline as every other format.
 */
export function decodeNetpbm(b: Uint8Array, maxPixels: number): RawImage {
  const kind = b[1]! - 0x30; // 2, 3, 5 or 6
  const channels = kind === 3 || kind === 6 ? 3 : 1;
  let pos = 2;
  const token = (): number => {
    for (;;) {
      while (pos < b.length && isSpace(b[pos]!)) pos++;
      if (b[pos] === 0x23) while (pos < b.length && b[pos] !== 0x0a) pos++;
      else break;
    }
    const start = pos;
    while (pos < b.length && b[pos]! >= 0x30 && b[pos]! <= 0x39) pos++;
    if (pos === start)
      throw new ImageRejectedError(
        pos >= b.length ? 'truncated' : 'corrupt',
        `netpbm header or data is malformed at byte ${pos}`,
      );
    return Number(String.fromCharCode(...b.subarray(start, pos)));
  };
  const [width, height, maxval] = [token(), token(), token()];
  if (width < 1 || height < 1)
    throw new ImageRejectedError('corrupt', `netpbm size ${width}x${height} is empty`);
  if (width * height > maxPixels)
    throw new ImageRejectedError(
      'too-many-pixels',
      `${width}x${height} exceeds the ${maxPixels}-pixel bound`,
    );
  if (maxval < 1 || maxval > 65535)
    throw new ImageRejectedError('corrupt', `netpbm maxval ${maxval} is out of range`);
  const n = width * height * channels;
  const out = new Uint8Array(n);
  const scale = (v: number) => (v > maxval ? -1 : Math.round((v * 255) / maxval));
  if (kind === 5 || kind === 6) {
    pos++; // exactly one whitespace byte after maxval
    const wide = maxval > 255;
    if (b.length < pos + n * (wide ? 2 : 1))
      throw new ImageRejectedError('truncated', `netpbm data is truncated: ${n} samples expected`);
    for (let i = 0; i < n; i++) {
      const v = wide ? (b[pos + 2 * i]! << 8) | b[pos + 2 * i + 1]! : b[pos + i]!;
      const s = scale(v);
      if (s < 0) throw new ImageRejectedError('corrupt', `netpbm sample ${v} exceeds maxval ${maxval}`);
      out[i] = s;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const s = scale(token());
      if (s < 0) throw new ImageRejectedError('corrupt', `netpbm sample exceeds maxval ${maxval}`);
      out[i] = s;
    }
  }
  return { data: out, width, height, channels };
}

import { jsonImageCount } from './json-image-count.js';

/** Why a request body cannot be read as images: becomes the HTTP status and JSON error. */
export class RequestError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The images of a request: the raw body for image/* or application/octet-stream; every file part
 * of multipart/form-data; `{"images": ["<base64>", ...]}` for application/json. More than
 * `maxImages` is refused (413) before any is decoded.
 */
export function requestImages(contentType: string | undefined, body: Buffer, maxImages: number): Buffer[] {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (body.length === 0) throw new RequestError(400, 'empty request body');
  if (type.startsWith('image/') || type === 'application/octet-stream') return [body];
  if (type === 'application/json') {
    const counted = jsonImageCount(body);
    if (counted !== undefined && counted > maxImages) throw tooManyImages(maxImages, counted);
    let data: unknown;
    try {
      data = JSON.parse(body.toString('utf8'));
    } catch {
      throw new RequestError(400, 'the body is not valid JSON');
    }
    const images = (data as { images?: unknown }).images;
    if (!Array.isArray(images) || images.length === 0 || !images.every((i) => typeof i === 'string'))
      throw new RequestError(400, 'expected {"images": ["<base64>", ...]}');
    if (images.length > maxImages) throw tooManyImages(maxImages, images.length);
    return images.map((i) => Buffer.from(i, 'base64'));
  }
  if (type === 'multipart/form-data') {
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1];
    if (!boundary) throw new RequestError(400, 'multipart/form-data without a boundary');
    const parts = multipartBodies(body, boundary, maxImages);
    if (parts.length === 0) throw new RequestError(400, 'no file parts in the multipart body');
    return parts;
  }
  throw new RequestError(
    415,
    `unsupported content type "${type || 'none'}": send image/*, application/octet-stream, multipart/form-data or application/json`,
  );
}

const tooManyImages = (max: number, got: number | string) =>
  new RequestError(413, `serve: a request may carry at most ${max} images, got ${got}`);

function multipartBodies(body: Buffer, boundary: string, maxImages: number): Buffer[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const out: Buffer[] = [];
  let pos = body.indexOf(delimiter);
  while (pos >= 0) {
    const next = body.indexOf(delimiter, pos + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(pos + delimiter.length, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      if (/filename=/i.test(headers) || /content-type:\s*image\//i.test(headers)) {
        if (out.length === maxImages) throw tooManyImages(maxImages, 'more');
        out.push(part.subarray(headerEnd + 4, part.length - 2)); // the part ends with \r\n before the delimiter
      }
    }
    pos = next;
  }
  return out;
}

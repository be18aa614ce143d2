const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const IMAGES = Buffer.from('images');

const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/**
 * How many elements the top-level "images" array of a JSON body has (the last such key, as
 * JSON.parse keeps), counted over the bytes without building anything: a body of a hundred
 * thousand images is refused before JSON.parse makes a string of each, which the heap keeps long
 * after. Undefined when the scan finds no such array (a key spelled with escapes, say): then only
 * the parsed body tells. Not a validator: JSON.parse still checks the body.
 */
export function jsonImageCount(body: Uint8Array): number | undefined {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let stringStart = 0;
  let lastStringIsImages = false;
  let valueIsImages = false; // after `"images":` at depth 1, until the next member
  let inImages = false;
  let commas = 0;
  let elements = false;
  let count: number | undefined;
  for (let i = 0; i < body.length; i++) {
    const b = body[i]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (b === BACKSLASH) escaped = true;
      else if (b === QUOTE) {
        inString = false;
        lastStringIsImages = depth === 1 && isImages(body, stringStart, i);
      }
      continue;
    }
    if (isSpace(b)) continue;
    if (inImages && depth === 2 && b !== COMMA && b !== CLOSE_BRACKET) elements = true;
    switch (b) {
      case QUOTE:
        inString = true;
        stringStart = i + 1;
        break;
      case COLON:
        if (depth === 1) valueIsImages = lastStringIsImages;
        break;
      case COMMA:
        if (depth === 1) valueIsImages = false;
        else if (depth === 2 && inImages) commas++;
        break;
      case OPEN_BRACKET:
      case OPEN_BRACE:
        depth++;
        if (depth === 2 && valueIsImages && b === OPEN_BRACKET) {
          inImages = true;
          commas = 0;
          elements = false;
        }
        break;
      case CLOSE_BRACKET:
      case CLOSE_BRACE:
        if (depth === 2 && inImages) {
          count = elements ? commas + 1 : 0;
          inImages = false;
        }
        depth--;
        break;
    }
  }
  return count;
}

function isImages(body: Uint8Array, start: number, end: number): boolean {
  if (end - start !== IMAGES.length) return false;
  for (let k = 0; k < IMAGES.length; k++) if (body[start + k] !== IMAGES[k]) return false;
  return true;
}

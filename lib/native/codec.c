// imagelake's optional native codec, with libdeflate: the deflate blocks of an Avro batch
// (compressed on the libuv thread pool; zlib's level 1 costs 2.2x more; inflated by the readers
// at about half zlib's cost) and the decoding of small
// gray PNGs, the bulk of an ingest (the pure-JS decoder in lib/image/png-fast.ts, which this
// mirrors rule for rule, costs several times more: a zlib handle per image, a call per CRC, a
// buffer per row). lib/native/codec.ts loads this.
// Built by lib/native/build.ts: cc -O2 -shared -fPIC codec.c -ldeflate (Debian: libdeflate-dev).
#include <node_api.h>
#include <libdeflate.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int typed_bytes(napi_env env, napi_value v, const char* what, void** data, size_t* length) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, length, data, &buffer, &offset) != napi_ok ||
      type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, what);
    return 0;
  }
  return 1;
}

// Per JS environment: a decompressor and scratch buffers, reused by every call.
typedef struct {
  struct libdeflate_decompressor* inflater;
  unsigned char* idat;   // the IDAT chunks joined, when there are several
  size_t idat_cap;
  unsigned char* raw;    // the inflated scanlines (filter byte first), or an inflated Avro block
  size_t raw_cap;
  unsigned char* pixels; // unfiltered pixels of every channel, before they are checked gray
  size_t pixels_cap;
} Scratch;

static void free_scratch(napi_env env, void* data, void* hint) {
  (void)env;
  (void)hint;
  Scratch* s = (Scratch*)data;
  if (s->inflater) libdeflate_free_decompressor(s->inflater);
  free(s->idat);
  free(s->raw);
  free(s->pixels);
  free(s);
}

static Scratch* scratch_of(napi_env env) {
  Scratch* s = NULL;
  if (napi_get_instance_data(env, (void**)&s) == napi_ok && s != NULL) return s;
  s = (Scratch*)calloc(1, sizeof(Scratch));
  if (s != NULL) s->inflater = libdeflate_alloc_decompressor();
  if (s == NULL || s->inflater == NULL || napi_set_instance_data(env, s, free_scratch, NULL) != napi_ok) {
    if (s != NULL) free_scratch(env, s, NULL);
    return NULL;
  }
  return s;
}

static int grow(unsigned char** buffer, size_t* cap, size_t need) {
  if (need <= *cap) return 1;
  unsigned char* grown = (unsigned char*)realloc(*buffer, need);
  if (grown == NULL) return 0;
  *buffer = grown;
  *cap = need;
  return 1;
}

// What a call with one Uint8Array argument works with: the bytes, this environment's scratch,
// and JS undefined (the answer for input the caller's slower path should judge).
typedef struct {
  const void* data;
  size_t n;
  Scratch* scratch;
  napi_value undefined;
} Call;

// Fills `c`; 0 (with a JS exception thrown) when the call does not fit or memory runs out.
static int bytes_and_scratch(napi_env env, napi_callback_info info, const char* name, Call* c) {
  size_t argc = 1;
  napi_value v[1];
  void* data;
  char message[96];
  if (napi_get_cb_info(env, info, &argc, v, NULL, NULL) != napi_ok || argc != 1) {
    snprintf(message, sizeof message, "%s: expected 1 argument", name);
    napi_throw_type_error(env, NULL, message);
    return 0;
  }
  snprintf(message, sizeof message, "%s: expected a Uint8Array", name);
  if (!typed_bytes(env, v[0], message, &data, &c->n)) return 0;
  c->data = data;
  c->scratch = scratch_of(env);
  if (c->scratch == NULL) {
    snprintf(message, sizeof message, "%s: out of memory", name);
    napi_throw_error(env, NULL, message);
    return 0;
  }
  napi_get_undefined(env, &c->undefined);
  return 1;
}

static uint32_t be32(const unsigned char* p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

// Undoes the scanline filters of `height` rows of `width` bytes, `bpp` bytes per pixel; 0 when a
// row's filter type does not exist.
static int unfilter(const unsigned char* raw, unsigned char* out, size_t width, size_t height, size_t bpp) {
  for (size_t y = 0; y < height; y++) {
    const unsigned char* src = raw + y * (width + 1);
    unsigned char filter = *src++;
    unsigned char* row = out + y * width;
    const unsigned char* up = y > 0 ? row - width : NULL;
    switch (filter) {
      case 0:
        memcpy(row, src, width);
        break;
      case 1:
        for (size_t x = 0; x < width; x++) row[x] = (unsigned char)(src[x] + (x >= bpp ? row[x - bpp] : 0));
        break;
      case 2:
        for (size_t x = 0; x < width; x++) row[x] = (unsigned char)(src[x] + (up ? up[x] : 0));
        break;
      case 3:
        for (size_t x = 0; x < width; x++) {
          int a = x >= bpp ? row[x - bpp] : 0, b = up ? up[x] : 0;
          row[x] = (unsigned char)(src[x] + ((a + b) >> 1));
        }
        break;
      case 4:
        for (size_t x = 0; x < width; x++) {
          int a = x >= bpp ? row[x - bpp] : 0, b = up ? up[x] : 0, c = up && x >= bpp ? up[x - bpp] : 0;
          int pa = abs(b - c), pb = abs(a - c), pc = abs(a + b - 2 * c);
          row[x] = (unsigned char)(src[x] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c));
        }
        break;
      default:
        return 0;
    }
  }
  return 1;
}

// decodeGrayPng(png: Uint8Array): Buffer | undefined. The width*height gray pixels of a
// well-formed, non-interlaced 8-bit PNG whose pixels are gray and opaque, by the rules of
// decodeGrayPng in lib/image/png-fast.ts (IHDR first, every CRC checked, no tRNS, eXIf or iCCP,
// the scanlines exactly as long as declared, gray = R=G=B and alpha 255); undefined for anything
// else (sharp then gives the authoritative answer). Images over 2^24 pixels are left to sharp too.
static napi_value DecodeGrayPng(napi_env env, napi_callback_info info) {
  static const int channels_of[7] = {1, 0, 3, 0, 2, 0, 4};
  Call c;
  if (!bytes_and_scratch(env, info, "decodeGrayPng", &c)) return NULL;
  const unsigned char* b = (const unsigned char*)c.data;
  size_t n = c.n;
  Scratch* s = c.scratch;
  napi_value result, undefined = c.undefined;
  uint64_t width = 0, height = 0;
  int channels = 0, ended = 0, idat_count = 0;
  const unsigned char* idat = NULL;
  size_t idat_len = 0;
  size_t pos = 8;
  while (pos + 12 <= n) {
    uint64_t length = be32(b + pos);
    const unsigned char* type = b + pos + 4;
    if (pos + 12 + length > n) return undefined;
    if (libdeflate_crc32(0, type, (size_t)length + 4) != be32(b + pos + 8 + length)) return undefined;
    const unsigned char* body = b + pos + 8;
    if (memcmp(type, "IHDR", 4) == 0) {
      if (pos != 8 || length != 13 || body[8] != 8 || body[9] > 6 || channels_of[body[9]] == 0 || body[10] != 0 ||
          body[11] != 0 || body[12] != 0)
        return undefined;
      channels = channels_of[body[9]];
      width = be32(body);
      height = be32(body + 4);
    } else if (pos == 8) {
      return undefined; // IHDR must come first
    } else if (memcmp(type, "IDAT", 4) == 0) {
      // One IDAT (the usual case) is inflated where it lies; several are joined in the scratch.
      if (idat_count > 0) {
        if (!grow(&s->idat, &s->idat_cap, idat_len + length)) return undefined;
        if (idat_count == 1) memcpy(s->idat, idat, idat_len);
        memcpy(s->idat + idat_len, body, length);
        idat = s->idat;
      } else {
        idat = body;
      }
      idat_len += length;
      idat_count++;
    } else if (memcmp(type, "tRNS", 4) == 0 || memcmp(type, "eXIf", 4) == 0 || memcmp(type, "iCCP", 4) == 0) {
      return undefined;
    } else if (memcmp(type, "IEND", 4) == 0) {
      ended = 1;
      break;
    }
    pos += 12 + length;
  }
  if (!ended || width == 0 || height == 0 || idat_count == 0 || width * height > (1u << 24)) return undefined;
  size_t stride = (size_t)width * channels;
  size_t expected = (stride + 1) * (size_t)height;
  if (!grow(&s->raw, &s->raw_cap, expected) ||
      libdeflate_zlib_decompress(s->inflater, idat, idat_len, s->raw, expected, NULL) != LIBDEFLATE_SUCCESS)
    return undefined;
  void* out;
  size_t pixel_count = (size_t)width * (size_t)height;
  if (napi_create_buffer(env, pixel_count, &out, &result) != napi_ok) return NULL;
  if (channels == 1) return unfilter(s->raw, (unsigned char*)out, stride, (size_t)height, 1) ? result : undefined;
  if (!grow(&s->pixels, &s->pixels_cap, stride * (size_t)height) ||
      !unfilter(s->raw, s->pixels, stride, (size_t)height, (size_t)channels))
    return undefined;
  int alpha = channels == 2 || channels == 4;
  unsigned char* gray = (unsigned char*)out;
  for (size_t i = 0, j = 0; i < pixel_count; i++, j += channels) {
    unsigned char value = s->pixels[j];
    if (channels >= 3 && (s->pixels[j + 1] != value || s->pixels[j + 2] != value)) return undefined;
    if (alpha && s->pixels[j + channels - 1] != 255) return undefined;
    gray[i] = value;
  }
  return result;
}

// inflateRaw(stream: Uint8Array): Buffer | undefined. A raw deflate stream (RFC 1951) inflated,
// into a scratch buffer grown as needed (Avro blocks do not say their size) and copied out at its
// size; undefined when the stream is malformed or inflates past 1 GiB (the caller's node:zlib path
// then says what is wrong).
static napi_value InflateRaw(napi_env env, napi_callback_info info) {
  Call c;
  if (!bytes_and_scratch(env, info, "inflateRaw", &c)) return NULL;
  Scratch* s = c.scratch;
  napi_value result;
  size_t want = c.n * 4 > 65536 ? c.n * 4 : 65536;
  for (;;) {
    if (!grow(&s->raw, &s->raw_cap, want)) return c.undefined;
    size_t size = 0;
    enum libdeflate_result r = libdeflate_deflate_decompress(s->inflater, c.data, c.n, s->raw, s->raw_cap, &size);
    if (r == LIBDEFLATE_SUCCESS) {
      void* copy;
      if (napi_create_buffer_copy(env, size, s->raw, &copy, &result) != napi_ok) return NULL;
      return result;
    }
    if (r != LIBDEFLATE_INSUFFICIENT_SPACE || s->raw_cap >= ((size_t)1 << 30)) return c.undefined;
    want = s->raw_cap * 2;
  }
}

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref input_ref;
  const unsigned char* input;
  size_t input_len;
  int level;
  unsigned char* output;
  size_t output_len;
} DeflateJob;

static void deflate_execute(napi_env env, void* data) {
  (void)env;
  DeflateJob* job = (DeflateJob*)data;
  struct libdeflate_compressor* c = libdeflate_alloc_compressor(job->level);
  if (c == NULL) return;
  size_t bound = libdeflate_deflate_compress_bound(c, job->input_len);
  job->output = (unsigned char*)malloc(bound > 0 ? bound : 1);
  if (job->output != NULL) job->output_len = libdeflate_deflate_compress(c, job->input, job->input_len, job->output, bound);
  libdeflate_free_compressor(c);
}

static void deflate_complete(napi_env env, napi_status status, void* data) {
  DeflateJob* job = (DeflateJob*)data;
  napi_value value, message;
  void* copy;
  if (status == napi_ok && job->output != NULL && job->output_len > 0 &&
      napi_create_buffer_copy(env, job->output_len, job->output, &copy, &value) == napi_ok) {
    napi_resolve_deferred(env, job->deferred, value);
  } else {
    napi_create_string_utf8(env, "deflateRaw: compression failed (out of memory?)", NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, NULL, message, &value);
    napi_reject_deferred(env, job->deferred, value);
  }
  napi_delete_reference(env, job->input_ref);
  napi_delete_async_work(env, job->work);
  free(job->output);
  free(job);
}

// deflateRaw(block: Uint8Array, level: number): Promise<Buffer>, a raw deflate stream (RFC 1951),
// compressed on the thread pool. The block must not change until the promise settles.
static napi_value DeflateRaw(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value v[2], promise, name;
  void* src;
  size_t src_len;
  int32_t level = 1;
  if (napi_get_cb_info(env, info, &argc, v, NULL, NULL) != napi_ok || argc != 2) {
    napi_throw_type_error(env, NULL, "deflateRaw: expected 2 arguments");
    return NULL;
  }
  if (!typed_bytes(env, v[0], "deflateRaw: expected a Uint8Array", &src, &src_len)) return NULL;
  if (napi_get_value_int32(env, v[1], &level) != napi_ok || level < 0 || level > 12) {
    napi_throw_range_error(env, NULL, "deflateRaw: level must be 0..12");
    return NULL;
  }
  DeflateJob* job = (DeflateJob*)calloc(1, sizeof(DeflateJob));
  if (job == NULL) {
    napi_throw_error(env, NULL, "deflateRaw: out of memory");
    return NULL;
  }
  job->input = (const unsigned char*)src;
  job->input_len = src_len;
  job->level = level;
  napi_create_string_utf8(env, "imagelake.deflateRaw", NAPI_AUTO_LENGTH, &name);
  if (napi_create_reference(env, v[0], 1, &job->input_ref) != napi_ok) {
    free(job);
    napi_throw_error(env, NULL, "deflateRaw: could not hold the block");
    return NULL;
  }
  if (napi_create_async_work(env, NULL, name, deflate_execute, deflate_complete, job, &job->work) != napi_ok) {
    napi_delete_reference(env, job->input_ref);
    free(job);
    napi_throw_error(env, NULL, "deflateRaw: could not create the work");
    return NULL;
  }
  if (napi_create_promise(env, &job->deferred, &promise) != napi_ok || napi_queue_async_work(env, job->work) != napi_ok) {
    napi_delete_reference(env, job->input_ref);
    napi_delete_async_work(env, job->work);
    free(job);
    napi_throw_error(env, NULL, "deflateRaw: could not queue the work");
    return NULL;
  }
  return promise;
}

NAPI_MODULE_INIT() {
  napi_value fn, version;
  napi_create_function(env, "decodeGrayPng", NAPI_AUTO_LENGTH, DecodeGrayPng, NULL, &fn);
  napi_set_named_property(env, exports, "decodeGrayPng", fn);
  napi_create_function(env, "inflateRaw", NAPI_AUTO_LENGTH, InflateRaw, NULL, &fn);
  napi_set_named_property(env, exports, "inflateRaw", fn);
  napi_create_function(env, "deflateRaw", NAPI_AUTO_LENGTH, DeflateRaw, NULL, &fn);
  napi_set_named_property(env, exports, "deflateRaw", fn);
  napi_create_string_utf8(env, LIBDEFLATE_VERSION_STRING, NAPI_AUTO_LENGTH, &version);
  napi_set_named_property(env, exports, "libdeflateVersion", version);
  return exports;
}

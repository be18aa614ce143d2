// imagelake's optional native codec: libdeflate for the two deflate jobs of an ingest, the zlib
// stream of a small PNG (inflated into a buffer of its exact size) and the deflate blocks of an
// Avro batch (compressed on the libuv thread pool). node:zlib does both, at 2-3x the cost: a
// handle per inflate call, and zlib's slower level-1 matcher (lib/native/codec.ts loads this).
// Built by lib/native/build.ts: cc -O2 -shared -fPIC codec.c -ldeflate (Debian: libdeflate-dev).
#include <node_api.h>
#include <libdeflate.h>
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

static void free_decompressor(napi_env env, void* data, void* hint) {
  (void)env;
  (void)hint;
  libdeflate_free_decompressor((struct libdeflate_decompressor*)data);
}

// inflateZlibExact(stream: Uint8Array, size: number): Buffer | undefined. The stream's bytes when it
// is a valid zlib stream (checksum included) of exactly `size` bytes; undefined for anything else
// (the caller's slower path then says what is wrong). One decompressor per JS environment.
static napi_value InflateZlibExact(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value v[2], result, undefined;
  void* src;
  size_t src_len;
  int64_t size = -1;
  void* out;
  struct libdeflate_decompressor* d = NULL;
  napi_get_undefined(env, &undefined);
  if (napi_get_cb_info(env, info, &argc, v, NULL, NULL) != napi_ok || argc != 2) {
    napi_throw_type_error(env, NULL, "inflateZlibExact: expected 2 arguments");
    return NULL;
  }
  if (!typed_bytes(env, v[0], "inflateZlibExact: expected a Uint8Array", &src, &src_len)) return NULL;
  if (napi_get_value_int64(env, v[1], &size) != napi_ok || size < 0 || size > (1 << 30)) {
    napi_throw_range_error(env, NULL, "inflateZlibExact: size must be 0..2^30");
    return NULL;
  }
  if (napi_get_instance_data(env, (void**)&d) != napi_ok || d == NULL) {
    d = libdeflate_alloc_decompressor();
    if (d == NULL || napi_set_instance_data(env, d, free_decompressor, NULL) != napi_ok) {
      if (d) libdeflate_free_decompressor(d);
      napi_throw_error(env, NULL, "inflateZlibExact: out of memory");
      return NULL;
    }
  }
  if (napi_create_buffer(env, (size_t)size, &out, &result) != napi_ok) return NULL;
  if (libdeflate_zlib_decompress(d, src, src_len, out, (size_t)size, NULL) != LIBDEFLATE_SUCCESS) return undefined;
  return result;
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
  napi_create_function(env, "inflateZlibExact", NAPI_AUTO_LENGTH, InflateZlibExact, NULL, &fn);
  napi_set_named_property(env, exports, "inflateZlibExact", fn);
  napi_create_function(env, "deflateRaw", NAPI_AUTO_LENGTH, DeflateRaw, NULL, &fn);
  napi_set_named_property(env, exports, "deflateRaw", fn);
  napi_create_string_utf8(env, LIBDEFLATE_VERSION_STRING, NAPI_AUTO_LENGTH, &version);
  napi_set_named_property(env, exports, "libdeflateVersion", version);
  return exports;
}

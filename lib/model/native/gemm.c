// imagelake's optional native GEMM: OpenBLAS sgemm on tensors that live in the TensorFlow.js wasm
// heap, registered as the wasm backend's BatchMatMul and _FusedMatMul kernels (lib/model/native-gemm.ts).
// Also the fused momentum step of the mlp's optimizer (lib/model/native-momentum.ts).
// Built by lib/native/build.ts (see lib/native/addons.ts): cc -O3 -ffp-contract=off -shared -fPIC gemm.c -lopenblas (Debian: libopenblas-dev).
#include <node_api.h>
#include <cblas.h>
#include <stdint.h>
#include <stdio.h>

#define CHECK(call) if ((call) != napi_ok) { napi_throw_error(env, NULL, "gemm: bad arguments"); return NULL; }

static int64_t arg_int(napi_env env, napi_value v, int* ok) {
  int64_t x = 0;
  if (napi_get_value_int64(env, v, &x) != napi_ok) *ok = 0;
  return x;
}

// The arguments of a call whose first is the wasm heap: fills v[0..expected) and the heap's floats
// and length; NULL (with a JS exception thrown) when the call does not fit.
static float* heap_args(napi_env env, napi_callback_info info, const char* name, size_t expected, napi_value* v,
                        int64_t* len) {
  size_t argc = expected;
  char message[96];
  napi_typedarray_type type;
  size_t length;
  void* data;
  if (napi_get_cb_info(env, info, &argc, v, NULL, NULL) != napi_ok || argc != expected) {
    snprintf(message, sizeof message, "%s: expected %zu arguments", name, expected);
    napi_throw_type_error(env, NULL, message);
    return NULL;
  }
  if (napi_get_typedarray_info(env, v[0], &type, &length, &data, NULL, NULL) != napi_ok ||
      type != napi_float32_array) {
    snprintf(message, sizeof message, "%s: expected a Float32Array heap", name);
    napi_throw_type_error(env, NULL, message);
    return NULL;
  }
  *len = (int64_t)length;
  return (float*)data;
}

// gemm(heap: Float32Array, transA, transB, M, N, K, a, b, c, bias, relu): indexes in floats, bias -1
// for none. C[M,N] = relu?(op(A)[M,K] op(B)[K,N] + bias[N]), row-major.
static napi_value Gemm(napi_env env, napi_callback_info info) {
  napi_value v[11];
  int64_t len = 0;
  float* heap = heap_args(env, info, "gemm", 11, v, &len);
  if (!heap) return NULL;
  int ok = 1;
  int64_t ta = arg_int(env, v[1], &ok), tb = arg_int(env, v[2], &ok);
  int64_t m = arg_int(env, v[3], &ok), n = arg_int(env, v[4], &ok), k = arg_int(env, v[5], &ok);
  int64_t a = arg_int(env, v[6], &ok), b = arg_int(env, v[7], &ok), c = arg_int(env, v[8], &ok);
  int64_t bias = arg_int(env, v[9], &ok), relu = arg_int(env, v[10], &ok);
  if (!ok) { napi_throw_type_error(env, NULL, "gemm: expected integer arguments"); return NULL; }
  // A wrong index must not write outside the heap: check every range before touching memory.
  if (m <= 0 || n <= 0 || k <= 0 || m > INT32_MAX || n > INT32_MAX || k > INT32_MAX || a < 0 || b < 0 || c < 0 ||
      a + m * k > len || b + k * n > len || c + m * n > len || (bias >= 0 && bias + n > len)) {
    napi_throw_range_error(env, NULL, "gemm: operand outside the heap");
    return NULL;
  }
  float* C = heap + c;
  float beta = 0.0f;
  if (bias >= 0) {
    const float* bv = heap + bias;
    for (int64_t i = 0; i < m; i++)
      for (int64_t j = 0; j < n; j++) C[i * n + j] = bv[j];
    beta = 1.0f;
  }
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k,
              1.0f, heap + a, ta ? (int)m : (int)k, heap + b, tb ? (int)k : (int)n, beta, C, (int)n);
  if (relu) {
    // NaN stays NaN (NaN < 0 is false), so a diverging run is still seen as diverged.
    // Written as a select, not a conditional store, so the compiler vectorizes it.
    for (int64_t i = 0; i < m * n; i++) C[i] = C[i] < 0.0f ? 0.0f : C[i];
  }
  return NULL;
}

// momentum(heap, w, acc, g, n, momentum, c, l2, nesterov): one TF.js MomentumOptimizer step for one
// variable, fused into one pass (TF.js takes six to eight passes of separate ops), in float32 and in
// TF.js's order of operations so the bits are the same: g' = g + w*l2 (when l2 != 0, the L2 term the
// step adds to a kernel's gradient), acc = m*acc + g', then w = c*(g' + acc*m) + w with Nesterov,
// w = c*acc + w without; c is -lr. Built with -ffp-contract=off: a fused multiply-add would round once
// where TF.js rounds twice.
static napi_value Momentum(napi_env env, napi_callback_info info) {
  napi_value v[9];
  int64_t len = 0;
  float* heap = heap_args(env, info, "momentum", 9, v, &len);
  if (!heap) return NULL;
  int ok = 1;
  int64_t w = arg_int(env, v[1], &ok), acc = arg_int(env, v[2], &ok), g = arg_int(env, v[3], &ok);
  int64_t n = arg_int(env, v[4], &ok), nesterov = arg_int(env, v[8], &ok);
  double m = 0, c = 0, l2 = 0;
  if (napi_get_value_double(env, v[5], &m) != napi_ok || napi_get_value_double(env, v[6], &c) != napi_ok ||
      napi_get_value_double(env, v[7], &l2) != napi_ok)
    ok = 0;
  if (!ok) { napi_throw_type_error(env, NULL, "momentum: expected numbers"); return NULL; }
  if (n <= 0 || w < 0 || acc < 0 || g < 0 || w + n > len || acc + n > len || g + n > len) {
    napi_throw_range_error(env, NULL, "momentum: operand outside the heap");
    return NULL;
  }
  float* W = heap + w;
  float* A = heap + acc;
  const float* G = heap + g;
  const float mf = (float)m, cf = (float)c, l2f = (float)l2;
  for (int64_t i = 0; i < n; i++) {
    float grad = G[i];
    if (l2 != 0) {
      const float decay = W[i] * l2f;
      grad = grad + decay;
    }
    float a = mf * A[i];
    a = a + grad;
    A[i] = a;
    float step;
    if (nesterov) {
      step = a * mf;
      step = grad + step;
      step = cf * step;
    } else {
      step = cf * a;
    }
    W[i] = step + W[i];
  }
  return NULL;
}

// setThreads(n): OpenBLAS threads; returns "config|core".
static napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value v[1];
  CHECK(napi_get_cb_info(env, info, &argc, v, NULL, NULL));
  int ok = 1;
  int64_t threads = argc == 1 ? arg_int(env, v[0], &ok) : 1;
  if (!ok || threads < 1) { napi_throw_range_error(env, NULL, "gemm: expected threads >= 1"); return NULL; }
  openblas_set_num_threads((int)threads);
  return NULL;
}

static napi_value Describe(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out, config, core;
  CHECK(napi_create_object(env, &out));
  CHECK(napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &config));
  CHECK(napi_create_string_utf8(env, openblas_get_corename(), NAPI_AUTO_LENGTH, &core));
  CHECK(napi_set_named_property(env, out, "config", config));
  CHECK(napi_set_named_property(env, out, "core", core));
  return out;
}

NAPI_MODULE_INIT() {
  napi_value f;
  if (napi_create_function(env, "gemm", NAPI_AUTO_LENGTH, Gemm, NULL, &f) != napi_ok) return NULL;
  napi_set_named_property(env, exports, "gemm", f);
  if (napi_create_function(env, "momentum", NAPI_AUTO_LENGTH, Momentum, NULL, &f) != napi_ok) return NULL;
  napi_set_named_property(env, exports, "momentum", f);
  if (napi_create_function(env, "setThreads", NAPI_AUTO_LENGTH, SetThreads, NULL, &f) != napi_ok) return NULL;
  napi_set_named_property(env, exports, "setThreads", f);
  if (napi_create_function(env, "describe", NAPI_AUTO_LENGTH, Describe, NULL, &f) != napi_ok) return NULL;
  napi_set_named_property(env, exports, "describe", f);
  return exports;
}

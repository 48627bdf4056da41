/* N-API bindings. Every kernel takes the wasm heap followed by numbers (see args.h); each
 * binding checks every offset and size against the heap before the kernel touches memory. */
#include <node_api.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "args.h"
#include "attention.h"
#include "blas.h"
#include "gemm.h"
#include "kernels.h"
#ifdef _OPENMP
#include <omp.h>
#endif

#define COUNT(i) dapt_arg_count(&a, i)
#define DIM(i) dapt_arg_dim(&a, i)
#define U32(i) dapt_arg_u32(&a, i)
#define MUL(x, y) dapt_mul(&a, x, y)
#define F32(i, count) ((float *)dapt_arg_tensor(&a, i, count, sizeof(float)))
#define I32(i, count) ((int32_t *)dapt_arg_tensor(&a, i, count, sizeof(int32_t)))
#define FL(i) ((float)a.v[i])

static napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

static napi_value number(napi_env env, double x) {
  napi_value r;
  napi_create_double(env, x, &r);
  return r;
}

static napi_value out_of_memory(napi_env env, const char *kernel) {
  char message[128];
  snprintf(message, sizeof message, "dapt native kernel %s: out of memory for its scratch buffers", kernel);
  napi_throw_error(env, "DAPT_NATIVE_MEMORY", message);
  return NULL;
}

/* The body reads its sizes and tensors into locals through the checking macros, then `RUN`
 * returns before the kernel when any check failed (the error is already thrown). Pointers must be
 * read before RUN: a check inside the kernel call's own arguments would come too late. */
#define KERNEL(fn, js_name, nargs, ...)                              \
  static napi_value fn(napi_env env, napi_callback_info info) {      \
    dapt_args a;                                                     \
    if (!dapt_read_args(env, info, js_name, nargs, &a)) return NULL; \
    __VA_ARGS__                                                      \
  }
#define RUN(call)              \
  if (a.failed) return NULL;   \
  call;                        \
  return undefined(env);
#define RETURN_NUMBER(call)    \
  if (a.failed) return NULL;   \
  return number(env, call);

KERNEL(gelu_fwd, "geluFwd", 3, {
  const size_t n = COUNT(2);
  const float *x = F32(0, n);
  float *y = F32(1, n);
  RUN(dapt_gelu_fwd(x, y, n))
})
KERNEL(gelu_bwd, "geluBwd", 4, {
  const size_t n = COUNT(3);
  const float *dy = F32(0, n), *x = F32(1, n);
  float *dx = F32(2, n);
  RUN(dapt_gelu_bwd(dy, x, dx, n))
})
KERNEL(dropout, "dropout", 6, {
  const size_t n = COUNT(2);
  const float *x = F32(0, n);
  float *y = F32(1, n);
  const uint32_t seed = U32(3), threshold = U32(4);
  RUN(dapt_dropout(x, y, n, seed, threshold, FL(5)))
})
KERNEL(bias_rows, "biasRows", 4, {
  const size_t rows = COUNT(2), cols = COUNT(3), n = MUL(rows, cols);
  float *y = F32(0, n);
  const float *bias = F32(1, cols);
  RUN(dapt_bias_rows(y, bias, rows, cols))
})
KERNEL(add_bias, "addBias", 5, {
  const size_t rows = COUNT(3), cols = COUNT(4), n = MUL(rows, cols);
  const float *x = F32(0, n), *bias = F32(1, cols);
  float *y = F32(2, n);
  RUN(dapt_add_bias(x, bias, y, rows, cols))
})
KERNEL(col_sum, "colSum", 4, {
  const size_t rows = COUNT(2), cols = COUNT(3), n = MUL(rows, cols);
  const float *x = F32(0, n);
  float *out = F32(1, cols);
  RUN(dapt_col_sum(x, out, rows, cols))
})
KERNEL(transpose, "transpose", 5, {
  const size_t batch = COUNT(2), rows = COUNT(3), cols = COUNT(4), n = MUL(batch, MUL(rows, cols));
  const float *x = F32(0, n);
  float *y = F32(1, n);
  RUN(dapt_transpose(x, y, batch, rows, cols))
})
KERNEL(segment_sum, "segmentSum", 6, {
  const size_t n = COUNT(3), width = COUNT(4), segments = COUNT(5);
  const float *x = F32(0, MUL(n, width));
  const int32_t *ids = I32(1, n);
  float *out = F32(2, MUL(segments, width));
  RUN(dapt_segment_sum(x, ids, out, n, width, segments))
})
KERNEL(sum_squares, "sumSquares", 2, {
  const size_t n = COUNT(1);
  const float *x = F32(0, n);
  double total = 0.0;
  if (a.failed) return NULL;
  if (dapt_sum_squares(x, n, &total) != 0) return out_of_memory(env, "sumSquares");
  return number(env, total);
})
KERNEL(adamw, "adamw", 13, {
  const size_t n = COUNT(4);
  float *p = F32(0, n), *m = F32(2, n), *v = F32(3, n);
  const float *g = F32(1, n);
  RUN(dapt_adamw(p, g, m, v, n, FL(5), FL(6), FL(7), FL(8), FL(9), FL(10), FL(11), FL(12)))
})
KERNEL(layernorm_fwd, "layerNormFwd", 9, {
  const size_t rows = COUNT(6), cols = COUNT(7), n = MUL(rows, cols);
  const float *x = F32(0, n), *gamma = F32(1, cols), *beta = F32(2, cols);
  float *y = F32(3, n), *mean = F32(4, rows), *rstd = F32(5, rows);
  RUN(dapt_layernorm_fwd(x, gamma, beta, y, mean, rstd, rows, cols, FL(8)))
})
KERNEL(layernorm_bwd, "layerNormBwd", 10, {
  const size_t rows = COUNT(8), cols = COUNT(9), n = MUL(rows, cols);
  const float *dy = F32(0, n), *x = F32(1, n), *gamma = F32(2, cols), *mean = F32(3, rows), *rstd = F32(4, rows);
  float *dx = F32(5, n), *dgamma = F32(6, cols), *dbeta = F32(7, cols);
  if (a.failed) return NULL;
  if (dapt_layernorm_bwd(dy, x, gamma, mean, rstd, dx, dgamma, dbeta, rows, cols) != 0) return out_of_memory(env, "layerNormBwd");
  return undefined(env);
})
KERNEL(softmax_xent_fwd, "softmaxXentFwd", 5, {
  const size_t rows = COUNT(3), cols = COUNT(4);
  const float *logits = F32(0, MUL(rows, cols));
  const int32_t *labels = I32(1, rows);
  float *lse = F32(2, rows);
  RETURN_NUMBER(dapt_softmax_xent_fwd(logits, labels, lse, rows, cols))
})
KERNEL(softmax_xent_bwd, "softmaxXentBwd", 7, {
  const size_t rows = COUNT(4), cols = COUNT(5), n = MUL(rows, cols);
  const float *logits = F32(0, n), *lse = F32(2, rows);
  const int32_t *labels = I32(1, rows);
  float *dlogits = F32(3, n);
  RUN(dapt_softmax_xent_bwd(logits, labels, lse, dlogits, rows, cols, FL(6)))
})

static int blas_loaded(dapt_args *a) {
  if (dapt_sgemm == NULL) dapt_arg_fail(a, "OpenBLAS is not loaded");
  return !a->failed;
}

/* Elements spanned by a row-major rows×cols matrix whose rows are `ld` apart (argument ld_at). */
static size_t matrix_span(dapt_args *a, size_t rows, size_t cols, size_t ld, size_t ld_at) {
  if (ld < (cols > 0 ? cols : 1)) dapt_arg_fail(a, "argument %zu: leading dimension %zu is less than the %zu columns", ld_at, ld, cols);
  if (a->failed || rows == 0 || cols == 0) return 0;
  return dapt_mul(a, rows - 1, ld) + cols; /* ≤ rows·ld, which did not overflow */
}

/* Elements spanned by `batch` matrices of `each` elements, `stride` apart. */
static size_t batch_span(dapt_args *a, size_t batch, size_t stride, size_t each) {
  if (batch == 0) return 0;
  const size_t before_last = dapt_mul(a, batch - 1, stride);
  if (a->failed || before_last > SIZE_MAX - each) {
    dapt_arg_fail(a, "%zu matrices %zu apart overflow", batch, stride);
    return 0;
  }
  return before_last + each;
}

/* sgemm(heap, transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc) */
KERNEL(sgemm, "sgemm", 13, {
  const int ta = a.v[0] != 0, tb = a.v[1] != 0;
  const size_t m = DIM(2), n = DIM(3), k = DIM(4), lda = DIM(7), ldb = DIM(9), ldc = DIM(12);
  const float *A = F32(6, matrix_span(&a, ta ? k : m, ta ? m : k, lda, 7));
  const float *B = F32(8, matrix_span(&a, tb ? n : k, tb ? k : n, ldb, 9));
  float *C = F32(11, matrix_span(&a, m, n, ldc, 12));
  if (!blas_loaded(&a)) return NULL;
  dapt_gemm(ta, tb, m, n, k, FL(5), A, lda, B, ldb, FL(10), C, ldc);
  return undefined(env);
})

/* sgemmBatched(heap, transA, transB, M, N, K, a, strideA, b, strideB, c, strideC, batch): strides
 * in elements; leading dimensions are the packed ones. */
KERNEL(sgemm_batched, "sgemmBatched", 12, {
  const int ta = a.v[0] != 0, tb = a.v[1] != 0;
  const size_t m = DIM(2), n = DIM(3), k = DIM(4), sa = COUNT(6), sb = COUNT(8), sc = COUNT(10), batch = COUNT(11);
  const float *A = F32(5, batch_span(&a, batch, sa, MUL(m, k)));
  const float *B = F32(7, batch_span(&a, batch, sb, MUL(k, n)));
  float *C = F32(9, batch_span(&a, batch, sc, MUL(m, n)));
  if (!blas_loaded(&a)) return NULL;
  dapt_gemm_batched(ta, tb, m, n, k, A, sa, B, sb, C, sc, batch);
  return undefined(env);
})

/* Reads (B, S, H, N, scale, dropout, seed, threshold, keep) from argument `at` on, and the sizes
 * of a [B, S, H] tensor, a [B, S] mask and [B, N, S] row statistics. */
static void attention_shape(dapt_args *a, size_t at, struct dapt_attention_shape *sh, size_t *bsh, size_t *bs, size_t *bns) {
  const size_t b = dapt_arg_dim(a, at), s = dapt_arg_dim(a, at + 1), h = dapt_arg_dim(a, at + 2), n = dapt_arg_dim(a, at + 3);
  if (!a->failed && (n == 0 || h % n != 0)) dapt_arg_fail(a, "hidden size %zu is not a multiple of %zu heads", h, n);
  /* the S·S scores of a (batch, head) are indexed with int */
  if (dapt_mul(a, s, s) > (size_t)INT_MAX) dapt_arg_fail(a, "sequence length %zu is too long", s);
  sh->batch = (int)b;
  sh->seq = (int)s;
  sh->hidden = (int)h;
  sh->heads = (int)n;
  sh->scale = (float)a->v[at + 4];
  sh->dropout = a->v[at + 5] != 0;
  sh->seed = dapt_arg_u32(a, at + 6);
  sh->threshold = dapt_arg_u32(a, at + 7);
  sh->keep = (float)a->v[at + 8];
  *bs = dapt_mul(a, b, s);
  *bsh = dapt_mul(a, *bs, h);
  *bns = dapt_mul(a, *bs, n);
}

/* attentionFwd(heap, q, k, v, mask, lse, ctx, B, S, H, N, scale, dropout, seed, threshold, keep) */
KERNEL(attention_fwd, "attentionFwd", 15, {
  struct dapt_attention_shape sh;
  size_t bsh, bs, bns;
  attention_shape(&a, 6, &sh, &bsh, &bs, &bns);
  const float *q = F32(0, bsh), *k = F32(1, bsh), *v = F32(2, bsh), *mask = F32(3, bs);
  float *lse = F32(4, bns), *ctx = F32(5, bsh);
  if (!blas_loaded(&a)) return NULL;
  if (dapt_attention_fwd(q, k, v, mask, lse, ctx, &sh) != 0) {
    return out_of_memory(env, "attentionFwd");
  }
  return undefined(env);
})

/* attentionBwd(heap, dctx, q, k, v, mask, lse, dq, dk, dv, B, S, H, N, scale, dropout, seed, threshold, keep) */
KERNEL(attention_bwd, "attentionBwd", 18, {
  struct dapt_attention_shape sh;
  size_t bsh, bs, bns;
  attention_shape(&a, 9, &sh, &bsh, &bs, &bns);
  const float *dctx = F32(0, bsh), *q = F32(1, bsh), *k = F32(2, bsh), *v = F32(3, bsh), *mask = F32(4, bs), *lse = F32(5, bns);
  float *dq = F32(6, bsh), *dk = F32(7, bsh), *dv = F32(8, bsh);
  if (!blas_loaded(&a)) return NULL;
  if (dapt_attention_bwd(dctx, q, k, v, mask, lse, dq, dk, dv, &sh) != 0) {
    return out_of_memory(env, "attentionBwd");
  }
  return undefined(env);
})

static napi_value set_prop(napi_env env, napi_value obj, const char *key, napi_value value) {
  napi_set_named_property(env, obj, key, value);
  return obj;
}

static napi_value string(napi_env env, const char *s) {
  napi_value r;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &r);
  return r;
}

/* loadBlas() → { ok, library, core } | { ok: false, error } */
static napi_value load_blas(napi_env env, napi_callback_info info) {
  (void)info;
  const char *library = NULL, *core = NULL;
  const char *err = dapt_blas_load(&library, &core);
  napi_value out, flag;
  napi_create_object(env, &out);
  napi_get_boolean(env, err == NULL, &flag);
  set_prop(env, out, "ok", flag);
  if (err != NULL) return set_prop(env, out, "error", string(env, err));
  set_prop(env, out, "library", string(env, library));
  return set_prop(env, out, "core", string(env, core));
}

static napi_value cpu_has_avx512(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  napi_get_boolean(env, dapt_cpu_has_avx512() != 0, &r);
  return r;
}

static napi_value cpu_has_avx2_fma(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  napi_get_boolean(env, dapt_cpu_has_avx2_fma() != 0, &r);
  return r;
}

/* Which build this is (binding.gyp): "baseline" runs on any x86-64-v2 CPU, "avx2" needs AVX2+FMA. */
static napi_value variant(napi_env env, napi_callback_info info) {
  (void)info;
  return string(env, DAPT_VARIANT);
}

/* setThreads(n): OpenMP threads of the kernels, products included (OpenBLAS itself runs on one). */
static napi_value set_threads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  size_t argc = 1;
  double n = 1;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc >= 1) napi_get_value_double(env, argv[0], &n);
#ifdef _OPENMP
  omp_set_num_threads((int)n);
#endif
  return undefined(env);
}

static napi_value init(napi_env env, napi_value exports) {
  const napi_property_descriptor fns[] = {
      {"geluFwd", NULL, gelu_fwd, NULL, NULL, NULL, napi_default, NULL},
      {"geluBwd", NULL, gelu_bwd, NULL, NULL, NULL, napi_default, NULL},
      {"dropout", NULL, dropout, NULL, NULL, NULL, napi_default, NULL},
      {"biasRows", NULL, bias_rows, NULL, NULL, NULL, napi_default, NULL},
      {"addBias", NULL, add_bias, NULL, NULL, NULL, napi_default, NULL},
      {"colSum", NULL, col_sum, NULL, NULL, NULL, napi_default, NULL},
      {"transpose", NULL, transpose, NULL, NULL, NULL, napi_default, NULL},
      {"segmentSum", NULL, segment_sum, NULL, NULL, NULL, napi_default, NULL},
      {"sumSquares", NULL, sum_squares, NULL, NULL, NULL, napi_default, NULL},
      {"adamw", NULL, adamw, NULL, NULL, NULL, napi_default, NULL},
      {"layerNormFwd", NULL, layernorm_fwd, NULL, NULL, NULL, napi_default, NULL},
      {"layerNormBwd", NULL, layernorm_bwd, NULL, NULL, NULL, napi_default, NULL},
      {"softmaxXentFwd", NULL, softmax_xent_fwd, NULL, NULL, NULL, napi_default, NULL},
      {"softmaxXentBwd", NULL, softmax_xent_bwd, NULL, NULL, NULL, napi_default, NULL},
      {"sgemm", NULL, sgemm, NULL, NULL, NULL, napi_default, NULL},
      {"sgemmBatched", NULL, sgemm_batched, NULL, NULL, NULL, napi_default, NULL},
      {"attentionFwd", NULL, attention_fwd, NULL, NULL, NULL, napi_default, NULL},
      {"attentionBwd", NULL, attention_bwd, NULL, NULL, NULL, napi_default, NULL},
      {"loadBlas", NULL, load_blas, NULL, NULL, NULL, napi_default, NULL},
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_default, NULL},
      {"cpuHasAvx512", NULL, cpu_has_avx512, NULL, NULL, NULL, napi_default, NULL},
      {"cpuHasAvx2Fma", NULL, cpu_has_avx2_fma, NULL, NULL, NULL, napi_default, NULL},
      {"variant", NULL, variant, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof fns / sizeof *fns, fns);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)

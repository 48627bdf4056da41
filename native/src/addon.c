/* N-API bindings. Every kernel takes the wasm heap (a Uint8Array over the backend's memory, as
 * tensors live there) followed by numbers: byte offsets of tensors in the heap, then sizes. */
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include "attention.h"
#include "blas.h"
#include "kernels.h"
#ifdef _OPENMP
#include <omp.h>
#endif

#define MAX_ARGS 24

typedef struct {
  uint8_t *heap;
  double v[MAX_ARGS];
  size_t n;
} args_t;

static int read_args(napi_env env, napi_callback_info info, size_t want, args_t *a) {
  napi_value argv[MAX_ARGS + 1];
  size_t argc = MAX_ARGS + 1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != want + 1) {
    napi_throw_type_error(env, NULL, "dapt native kernel called with the wrong number of arguments");
    return 0;
  }
  napi_typedarray_type type;
  size_t length, byte_offset;
  void *data;
  napi_value buffer;
  if (napi_get_typedarray_info(env, argv[0], &type, &length, &data, &buffer, &byte_offset) != napi_ok) {
    napi_throw_type_error(env, NULL, "dapt native kernel: first argument must be the heap as a Uint8Array");
    return 0;
  }
  a->heap = (uint8_t *)data;
  for (size_t i = 0; i < want; i++) {
    if (napi_get_value_double(env, argv[i + 1], &a->v[i]) != napi_ok) {
      napi_throw_type_error(env, NULL, "dapt native kernel: arguments after the heap must be numbers");
      return 0;
    }
  }
  a->n = want;
  return 1;
}

#define F(i) ((float *)(a.heap + (size_t)a.v[i]))
#define I32(i) ((int32_t *)(a.heap + (size_t)a.v[i]))
#define Z(i) ((size_t)a.v[i])
#define FL(i) ((float)a.v[i])
#define U32(i) ((uint32_t)a.v[i])

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

#define KERNEL(name, nargs, ...)                                  \
  static napi_value name(napi_env env, napi_callback_info info) {   \
    args_t a;                                                       \
    if (!read_args(env, info, nargs, &a)) return NULL;              \
    __VA_ARGS__                                                     \
  }

KERNEL(gelu_fwd, 3, { dapt_gelu_fwd(F(0), F(1), Z(2)); return undefined(env); })
KERNEL(gelu_bwd, 4, { dapt_gelu_bwd(F(0), F(1), F(2), Z(3)); return undefined(env); })
KERNEL(dropout, 6, { dapt_dropout(F(0), F(1), Z(2), U32(3), U32(4), FL(5)); return undefined(env); })
KERNEL(bias_rows, 4, { dapt_bias_rows(F(0), F(1), Z(2), Z(3)); return undefined(env); })
KERNEL(add_bias, 5, { dapt_add_bias(F(0), F(1), F(2), Z(3), Z(4)); return undefined(env); })
KERNEL(col_sum, 4, { dapt_col_sum(F(0), F(1), Z(2), Z(3)); return undefined(env); })
KERNEL(transpose, 5, { dapt_transpose(F(0), F(1), Z(2), Z(3), Z(4)); return undefined(env); })
KERNEL(segment_sum, 6, { dapt_segment_sum(F(0), I32(1), F(2), Z(3), Z(4), Z(5)); return undefined(env); })
KERNEL(sum_squares, 2, { return number(env, dapt_sum_squares(F(0), Z(1))); })
KERNEL(adamw, 13, {
  dapt_adamw(F(0), F(1), F(2), F(3), Z(4), FL(5), FL(6), FL(7), FL(8), FL(9), FL(10), FL(11), FL(12));
  return undefined(env);
})
KERNEL(layernorm_fwd, 9, { dapt_layernorm_fwd(F(0), F(1), F(2), F(3), F(4), F(5), Z(6), Z(7), FL(8)); return undefined(env); })
KERNEL(layernorm_bwd, 10, {
  dapt_layernorm_bwd(F(0), F(1), F(2), F(3), F(4), F(5), F(6), F(7), Z(8), Z(9));
  return undefined(env);
})
KERNEL(softmax_xent_fwd, 5, { return number(env, dapt_softmax_xent_fwd(F(0), I32(1), F(2), Z(3), Z(4))); })
KERNEL(softmax_xent_bwd, 7, { dapt_softmax_xent_bwd(F(0), I32(1), F(2), F(3), Z(4), Z(5), FL(6)); return undefined(env); })

static int gemm_ok(napi_env env) {
  if (dapt_sgemm != NULL) return 1;
  napi_throw_error(env, NULL, "dapt native kernel: BLAS is not loaded");
  return 0;
}

/* sgemm(heap, transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc) */
KERNEL(sgemm, 13, {
  if (!gemm_ok(env)) return NULL;
  dapt_sgemm(DAPT_ROW_MAJOR, a.v[0] != 0 ? DAPT_TRANS : DAPT_NO_TRANS, a.v[1] != 0 ? DAPT_TRANS : DAPT_NO_TRANS,
             (int)a.v[2], (int)a.v[3], (int)a.v[4], FL(5), F(6), (int)a.v[7], F(8), (int)a.v[9], FL(10), F(11),
             (int)a.v[12]);
  return undefined(env);
})

/* sgemmBatched(heap, transA, transB, M, N, K, a, strideA, b, strideB, c, strideC, batch): strides
 * in elements; leading dimensions are the packed ones. */
KERNEL(sgemm_batched, 12, {
  if (!gemm_ok(env)) return NULL;
  const int ta = a.v[0] != 0, tb = a.v[1] != 0, m = (int)a.v[2], n = (int)a.v[3], k = (int)a.v[4];
  for (size_t i = 0; i < Z(11); i++) {
    dapt_sgemm(DAPT_ROW_MAJOR, ta ? DAPT_TRANS : DAPT_NO_TRANS, tb ? DAPT_TRANS : DAPT_NO_TRANS, m, n, k, 1.0f,
               F(5) + i * Z(6), ta ? m : k, F(7) + i * Z(8), tb ? k : n, 0.0f, F(9) + i * Z(10), n);
  }
  return undefined(env);
})

static void attention_shape(const args_t *a, size_t at, struct dapt_attention_shape *sh) {
  sh->batch = (int)a->v[at];
  sh->seq = (int)a->v[at + 1];
  sh->hidden = (int)a->v[at + 2];
  sh->heads = (int)a->v[at + 3];
  sh->scale = (float)a->v[at + 4];
  sh->dropout = a->v[at + 5] != 0;
  sh->seed = (uint32_t)a->v[at + 6];
  sh->threshold = (uint32_t)a->v[at + 7];
  sh->keep = (float)a->v[at + 8];
}

/* attentionFwd(heap, q, k, v, mask, lse, ctx, B, S, H, N, scale, dropout, seed, threshold, keep) */
KERNEL(attention_fwd, 15, {
  struct dapt_attention_shape sh;
  attention_shape(&a, 6, &sh);
  if (dapt_attention_fwd(F(0), F(1), F(2), F(3), F(4), F(5), &sh) != 0) {
    napi_throw_error(env, NULL, "dapt native attention: BLAS not loaded or out of memory");
    return NULL;
  }
  return undefined(env);
})

/* attentionBwd(heap, dctx, q, k, v, mask, lse, dq, dk, dv, B, S, H, N, scale, dropout, seed, threshold, keep) */
KERNEL(attention_bwd, 18, {
  struct dapt_attention_shape sh;
  attention_shape(&a, 9, &sh);
  if (dapt_attention_bwd(F(0), F(1), F(2), F(3), F(4), F(5), F(6), F(7), F(8), &sh) != 0) {
    napi_throw_error(env, NULL, "dapt native attention: BLAS not loaded or out of memory");
    return NULL;
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

/* loadBlas(threads) → { ok, library, core } | { ok: false, error } */
static napi_value load_blas(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  size_t argc = 1;
  double threads = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc >= 1) napi_get_value_double(env, argv[0], &threads);
  const char *library = NULL, *core = NULL;
  const char *err = dapt_blas_load((int)threads, &library, &core);
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

/* setThreads(kernels, blas): OpenMP threads of the fused kernels, and OpenBLAS threads. */
static napi_value set_threads(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  size_t argc = 2;
  double n = 1, nb = 1;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc >= 1) napi_get_value_double(env, argv[0], &n);
  if (argc >= 2) napi_get_value_double(env, argv[1], &nb);
#ifdef _OPENMP
  omp_set_num_threads((int)n);
#endif
  dapt_blas_set_threads((int)nb);
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
  };
  napi_define_properties(env, exports, sizeof fns / sizeof *fns, fns);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)

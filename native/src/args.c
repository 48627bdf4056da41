#include "args.h"
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

/* Counts beyond 2^52 are not exact doubles, and no heap is that large. */
#define MAX_COUNT 4503599627370496.0

void dapt_arg_fail(dapt_args *a, const char *fmt, ...) {
  if (a->failed) return;
  a->failed = 1;
  char detail[256], message[320];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  snprintf(message, sizeof message, "dapt native kernel %s: %s", a->kernel, detail);
  napi_throw_range_error(a->env, "DAPT_NATIVE_ARGUMENT", message);
}

int dapt_read_args(napi_env env, napi_callback_info info, const char *kernel, size_t want, dapt_args *a) {
  napi_value argv[DAPT_MAX_ARGS + 1];
  size_t argc = DAPT_MAX_ARGS + 1;
  a->env = env;
  a->kernel = kernel;
  a->failed = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != want + 1) {
    dapt_arg_fail(a, "called with %zu arguments, expected the heap and %zu numbers", argc, want);
    return 0;
  }
  napi_typedarray_type type;
  size_t length, byte_offset;
  void *data;
  napi_value buffer;
  if (napi_get_typedarray_info(env, argv[0], &type, &length, &data, &buffer, &byte_offset) != napi_ok || type != napi_uint8_array) {
    dapt_arg_fail(a, "the first argument must be the heap as a Uint8Array");
    return 0;
  }
  a->heap = (uint8_t *)data;
  a->heap_len = length;
  for (size_t i = 0; i < want; i++) {
    if (napi_get_value_double(env, argv[i + 1], &a->v[i]) != napi_ok) {
      dapt_arg_fail(a, "argument %zu after the heap must be a number", i);
      return 0;
    }
  }
  return 1;
}

size_t dapt_arg_count(dapt_args *a, size_t i) {
  const double x = a->v[i];
  if (!(x >= 0.0 && x <= MAX_COUNT && x == floor(x))) {
    dapt_arg_fail(a, "argument %zu must be a non-negative integer, got %g", i, x);
    return 0;
  }
  return (size_t)x;
}

size_t dapt_arg_dim(dapt_args *a, size_t i) {
  const size_t x = dapt_arg_count(a, i);
  if (x > (size_t)INT_MAX) {
    dapt_arg_fail(a, "argument %zu is %zu, more than a BLAS dimension can hold", i, x);
    return 0;
  }
  return x;
}

uint32_t dapt_arg_u32(dapt_args *a, size_t i) {
  const size_t x = dapt_arg_count(a, i);
  if (x > UINT32_MAX) {
    dapt_arg_fail(a, "argument %zu is %zu, more than 32 bits", i, x);
    return 0;
  }
  return (uint32_t)x;
}

size_t dapt_mul(dapt_args *a, size_t x, size_t y) {
  size_t r;
  if (__builtin_mul_overflow(x, y, &r)) {
    dapt_arg_fail(a, "sizes %zu × %zu overflow", x, y);
    return 0;
  }
  return r;
}

void *dapt_arg_tensor(dapt_args *a, size_t i, size_t count, size_t elem) {
  const double x = a->v[i];
  if (a->failed) return NULL;
  if (!(x >= 0.0 && x <= MAX_COUNT && x == floor(x))) {
    dapt_arg_fail(a, "argument %zu must be a byte offset into the heap, got %g", i, x);
    return NULL;
  }
  const size_t offset = (size_t)x;
  const size_t bytes = dapt_mul(a, count, elem);
  if (a->failed) return NULL;
  if (offset > a->heap_len || bytes > a->heap_len - offset) {
    dapt_arg_fail(a, "argument %zu: %zu bytes at byte offset %zu reach past the end of the %zu-byte heap", i, bytes, offset,
                  a->heap_len);
    return NULL;
  }
  if (((uintptr_t)(a->heap + offset)) % elem != 0) {
    dapt_arg_fail(a, "argument %zu: byte offset %zu is not aligned to %zu bytes", i, offset, elem);
    return NULL;
  }
  return a->heap + offset;
}

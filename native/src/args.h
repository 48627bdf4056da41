/* Reading and checking a kernel's arguments. Every kernel takes the wasm heap (a Uint8Array over
 * the backend's memory, where tensors live) followed by numbers: byte offsets of tensors in the
 * heap, then sizes. Nothing from JavaScript is trusted: a count that is not a non-negative
 * integer, a product that overflows, or a tensor that is misaligned or reaches past the heap
 * throws a RangeError naming the kernel before the kernel runs, so a wrong offset in the caller
 * is an error instead of a write over unrelated memory. */
#ifndef DAPT_ARGS_H
#define DAPT_ARGS_H
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

#define DAPT_MAX_ARGS 24

typedef struct {
  napi_env env;
  const char *kernel; /* the name JavaScript calls it by */
  uint8_t *heap;
  size_t heap_len;
  double v[DAPT_MAX_ARGS];
  int failed; /* an error is pending: later checks return zeros and throw nothing more */
} dapt_args;

/* Reads the heap and `want` numbers; 0 (with an error thrown) when the call is malformed. */
int dapt_read_args(napi_env env, napi_callback_info info, const char *kernel, size_t want, dapt_args *a);
/* Argument i as a count of elements (a non-negative integer). */
size_t dapt_arg_count(dapt_args *a, size_t i);
/* Argument i as a matrix dimension: a count that also fits BLAS's int. */
size_t dapt_arg_dim(dapt_args *a, size_t i);
uint32_t dapt_arg_u32(dapt_args *a, size_t i);
/* x·y, or an error when it overflows. */
size_t dapt_mul(dapt_args *a, size_t x, size_t y);
/* Argument i as the byte offset of `count` elements of `elem` bytes: the pointer, or NULL with an
 * error when it is misaligned or any of those bytes lies outside the heap. */
void *dapt_arg_tensor(dapt_args *a, size_t i, size_t count, size_t elem);
/* Throws a RangeError naming the kernel (first error only). */
void dapt_arg_fail(dapt_args *a, const char *fmt, ...);

#endif

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include "blas.h"

dapt_sgemm_fn dapt_sgemm = NULL;
static void (*set_threads)(int) = NULL;
static char *(*get_corename)(void) = NULL;
static const char *loaded_name = NULL;

static const char *candidates[] = {"libopenblas.so.0", "libopenblas.so", "libopenblas.dylib", "libopenblas.0.dylib"};

const char *dapt_blas_load(const char **library, const char **core) {
  if (dapt_sgemm == NULL) {
    const char *env = getenv("DAPT_BLAS_LIBRARY");
    void *handle = NULL;
    if (env != NULL && env[0] != '\0') {
      handle = dlopen(env, RTLD_NOW | RTLD_LOCAL);
      loaded_name = env;
    }
    for (size_t i = 0; handle == NULL && i < sizeof candidates / sizeof *candidates; i++) {
      handle = dlopen(candidates[i], RTLD_NOW | RTLD_LOCAL);
      loaded_name = candidates[i];
    }
    if (handle == NULL) return "OpenBLAS (libopenblas.so.0) was not found";
    dapt_sgemm_fn sgemm = (dapt_sgemm_fn)dlsym(handle, "cblas_sgemm");
    if (sgemm == NULL) return "the BLAS library has no cblas_sgemm";
    set_threads = (void (*)(int))dlsym(handle, "openblas_set_num_threads");
    get_corename = (char *(*)(void))dlsym(handle, "openblas_get_corename");
    dapt_sgemm = sgemm;
  }
  /* always one thread: dapt_gemm (gemm.c) shares the work out in a thread-independent way */
  if (set_threads != NULL) set_threads(1);
  *library = loaded_name;
  *core = get_corename != NULL ? get_corename() : "unknown";
  return NULL;
}

int dapt_cpu_has_avx512(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512vl");
#else
  return 0;
#endif
}

int dapt_cpu_has_avx2_fma(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return 0;
#endif
}

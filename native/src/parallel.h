/* Threading for the fused kernels. Work is split statically by thread index and partial sums are
 * combined in thread order, so results are bit-identical from run to run for a given thread
 * count (a resumed run must match an uninterrupted one). */
#ifndef DAPT_PARALLEL_H
#define DAPT_PARALLEL_H
#ifdef _OPENMP
#include <omp.h>
#define DAPT_THREAD() omp_get_thread_num()
#define DAPT_NTHREADS() omp_get_num_threads()
#define DAPT_MAX_THREADS_NOW() omp_get_max_threads()
#else
#define DAPT_THREAD() 0
#define DAPT_NTHREADS() 1
#define DAPT_MAX_THREADS_NOW() 1
#endif

/* Upper bound on threads the kernels use (partial-sum arrays are this long). */
#define DAPT_MAX_THREADS 64
/* Below this many elements a kernel runs on one thread: waking the pool costs more. */
#define DAPT_PAR_MIN 32768

/* [lo, hi) of n items for thread t of nt */
#define DAPT_SPLIT_LO(n, t, nt) ((size_t)(n) * (size_t)(t) / (size_t)(nt))
#endif

/* Threading for the fused kernels. Results must not depend on the thread count (it is not in
 * the stage key, and a stage may resume on another node or with another DAPT_THREADS): each
 * output element is computed by one thread in a fixed order, and every reduction across rows or
 * elements is cut into chunks of a fixed size (DAPT_CHUNK_*), whatever the thread count, whose
 * partial sums are added in chunk order. Threads only decide who computes which chunk. */
#ifndef DAPT_PARALLEL_H
#define DAPT_PARALLEL_H
#ifdef _OPENMP
#include <omp.h>
#define DAPT_THREAD() omp_get_thread_num()
#define DAPT_NTHREADS() omp_get_num_threads()
#else
#define DAPT_THREAD() 0
#define DAPT_NTHREADS() 1
#endif

/* Below this many elements a kernel runs on one thread: waking the pool costs more. */
#define DAPT_PAR_MIN 32768

/* Reduction chunks: rows for column sums (layer norm's dgamma, dbeta), elements for a flat sum. */
#define DAPT_CHUNK_ROWS 64
#define DAPT_CHUNK_ELEMS 16384

/* [lo, hi) of n items for thread t of nt */
#define DAPT_SPLIT_LO(n, t, nt) ((size_t)(n) * (size_t)(t) / (size_t)(nt))
#endif

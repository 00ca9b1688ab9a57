/* Benchmark-only peer: OpenBLAS cblas_sgemm on the shapes benchmarks/kernels.ts asks for, timed in
 * this process (never part of the package; built by the benchmark when Debian's libopenblas-dev
 * is installed: cc -O2 openblas-sgemm.c -o openblas-sgemm -lopenblas).
 *
 * Protocol, one request per stdin line, one JSON reply per stdout line:
 *   "core"                     -> {"core": "<kernel OpenBLAS picked>", "config": "..."}
 *   "<form> M K N beta reps"   -> {"seconds": [t1, ..., t_reps]}
 * form is the GEMM of the row-major kernels: nt (C = A·Bᵀ, A[M,K], B[N,K]), nn (C = A·B,
 * B[K,N]) or tn (C = Aᵀ·B, A[K,M], B[K,N]); beta 0 or 1. Operands are filled once per shape with
 * values in [-0.5, 0.5). The thread count is OpenBLAS's own (the benchmark sets
 * OPENBLAS_NUM_THREADS=1). */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

char* openblas_get_corename(void);
char* openblas_get_config(void);

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static float* filled(size_t n, unsigned* seed) {
  float* p = malloc(n * sizeof(float));
  if (!p) {
    fprintf(stderr, "openblas-sgemm: out of memory\n");
    exit(1);
  }
  for (size_t i = 0; i < n; ++i) {
    *seed = *seed * 1664525u + 1013904223u;
    p[i] = (float)(*seed >> 8) / 16777216.0f - 0.5f;
  }
  return p;
}

int main(void) {
  char line[256];
  float *A = NULL, *B = NULL, *C = NULL;
  char shape[128] = "";
  while (fgets(line, sizeof line, stdin)) {
    if (strncmp(line, "core", 4) == 0) {
      printf("{\"core\": \"%s\", \"config\": \"%s\"}\n", openblas_get_corename(),
             openblas_get_config());
      fflush(stdout);
      continue;
    }
    char form[8];
    long M, K, N, reps;
    float beta;
    if (sscanf(line, "%7s %ld %ld %ld %f %ld", form, &M, &K, &N, &beta, &reps) != 6 || M < 1 ||
        K < 1 || N < 1 || reps < 1 || reps > 100000) {
      printf("{\"error\": \"bad request\"}\n");
      fflush(stdout);
      continue;
    }
    char key[128];
    snprintf(key, sizeof key, "%s %ld %ld %ld", form, M, K, N);
    if (strcmp(key, shape) != 0) {  /* new shape: new operands */
      unsigned seed = 12345u;
      free(A), free(B), free(C);
      A = filled((size_t)M * K, &seed);
      B = filled((size_t)K * N, &seed);
      C = filled((size_t)M * N, &seed);
      strcpy(shape, key);
    }
    const int nt = strcmp(form, "nt") == 0, tn = strcmp(form, "tn") == 0;
    const enum CBLAS_TRANSPOSE ta = tn ? CblasTrans : CblasNoTrans;
    const enum CBLAS_TRANSPOSE tb = nt ? CblasTrans : CblasNoTrans;
    const long lda = tn ? M : K, ldb = nt ? K : N;
    printf("{\"seconds\": [");
    for (long r = 0; r < reps; ++r) {
      const double t0 = now();
      cblas_sgemm(CblasRowMajor, ta, tb, (int)M, (int)N, (int)K, 1.0f, A, (int)lda, B, (int)ldb,
                  beta, C, (int)N);
      printf("%s%.9f", r ? ", " : "", now() - t0);
    }
    printf("]}\n");
    fflush(stdout);
  }
  free(A), free(B), free(C);
  return 0;
}

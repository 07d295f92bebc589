/* One CPU variant's kernels for both element types: _ckernels_impl.h twice.
 * Included by _ckernels.c with VARIANT set (baseline, avx2, avx512). */

#define REAL double
#define NAME(fn) KCAT(fn, d, VARIANT)
#define EXP exp
#define EXPM1 expm1
#define LOG log
#define LOG1P log1p
#define TANH tanh
#define ERFC erfc
#define SQRT sqrt
#include "_ckernels_impl.h"
#undef REAL
#undef NAME
#undef EXP
#undef EXPM1
#undef LOG
#undef LOG1P
#undef TANH
#undef ERFC
#undef SQRT

#define REAL float
#define NAME(fn) KCAT(fn, f, VARIANT)
#define EXP expf
#define EXPM1 expm1f
#define LOG logf
#define LOG1P log1pf
#define TANH tanhf
#define ERFC erfcf
#define SQRT sqrtf
#include "_ckernels_impl.h"
#undef REAL
#undef NAME
#undef EXP
#undef EXPM1
#undef LOG
#undef LOG1P
#undef TANH
#undef ERFC
#undef SQRT

/* One CPU variant's kernels for both element types: _ckernels_impl.h twice.
 * Included by _ckernels.c with VARIANT set (baseline, avx2, avx512). */

#define REAL double
#define NAME(fn) KCAT(fn, d, VARIANT)
#define INT int64_t           /* an integer as wide as REAL, for its bits */
#define EXP_SHIFTER 6755399441055744.0   /* 0x1.8p52: x + it rounds x */
#define EXP_LOW -708.0        /* exp below it is not a normal number */
#define EXP_BIAS 1023
#define MANTISSA_BITS 52
#define LN2_HI 6.93147180369123816490e-01
#define LN2_LO 1.90821492927058770002e-10
#define EXP_DEGREE 13         /* Taylor truncation 3e-19 on |r| <= ln2/2 */
#define EXP exp
#define EXPM1 expm1
#define LOG log
#define LOG1P log1p
#define TANH tanh
#define ERFC erfc
#define SQRT sqrt
#include "_ckernels_impl.h"  /* which undefines the macros above */

#define REAL float
#define NAME(fn) KCAT(fn, f, VARIANT)
#define INT int32_t
#define EXP_SHIFTER 12582912.0f          /* 0x1.8p23 */
#define EXP_LOW -87.0f
#define EXP_BIAS 127
#define MANTISSA_BITS 23
#define LN2_HI 0.693145751953125f
#define LN2_LO 1.42860682030941723212e-6f
#define EXP_DEGREE 7          /* Taylor truncation 5e-9 on |r| <= ln2/2 */
#define EXP expf
#define EXPM1 expm1f
#define LOG logf
#define LOG1P log1pf
#define TANH tanhf
#define ERFC erfcf
#define SQRT sqrtf
#include "_ckernels_impl.h"  /* which undefines the macros above */

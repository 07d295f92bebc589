/* The kernels of _ckernels_impl.h compiled once per CPU variant (baseline;
 * x86-64-v3 = AVX2 + FMA; AVX-512) through target pragmas, and the choice of
 * the best variant this CPU supports, made once at import. */
#include "_ckernels.h"

#define KCAT_(f, t, v) f##_##t##_##v
#define KCAT(f, t, v) KCAT_(f, t, v)

#define VARIANT baseline
#include "_ckernels_types.h"
#undef VARIANT

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_VARIANTS 1
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif
#define VARIANT avx2
#include "_ckernels_types.h"
#undef VARIANT
#if defined(__clang__)
#pragma clang attribute pop
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma"))), apply_to = function)
#else
#pragma GCC pop_options
#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512vl,avx2,fma,prefer-vector-width=512")
#endif
#define VARIANT avx512
#include "_ckernels_types.h"
#undef VARIANT
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#else
#define HAVE_VARIANTS 0
#endif



#define KERNELS(v) {#v, adam_d_##v, adam_f_##v, sgd_d_##v, sgd_f_##v, \
    bias_act_d_##v, bias_act_f_##v, act_backward_d_##v, act_backward_f_##v, \
    {softmax_loss_d_##v, logistic_loss_d_##v, squared_loss_d_##v, NULL}, \
    {softmax_loss_f_##v, logistic_loss_f_##v, squared_loss_f_##v, NULL}, \
    poisson_loss_d_##v, poisson_loss_f_##v, scale_rows_d_##v, scale_rows_f_##v}

static const Kernels BASELINE = KERNELS(baseline);
#if HAVE_VARIANTS
static const Kernels AVX2 = KERNELS(avx2);
static const Kernels AVX512 = KERNELS(avx512);
#endif
const Kernels *ck_active = &BASELINE;

/* The variants this CPU can run, best last. */
const Kernels *ck_supported[3];
int ck_n_supported = 0;

void ck_find_variants(void)
{
    ck_supported[ck_n_supported++] = &BASELINE;
#if HAVE_VARIANTS
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        ck_supported[ck_n_supported++] = &AVX2;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("avx512vl"))
        ck_supported[ck_n_supported++] = &AVX512;
#endif
    ck_active = ck_supported[ck_n_supported - 1];
}

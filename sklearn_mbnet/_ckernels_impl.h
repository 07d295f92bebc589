/* The kernels for one element type and one CPU variant.
 *
 * Included by _ckernels.c once per (type, variant) with these macros set:
 *   REAL        double or float
 *   NAME(f)     f's name with the type's and the variant's suffix
 *   EXP, EXPM1, LOG, LOG1P, TANH, ERFC, SQRT   the libm functions of REAL
 * The target attribute of the variant comes from the pragma around the
 * include, so every loop here is compiled once per instruction set.
 *
 * Each kernel is the NumPy path's formula in the NumPy path's order of
 * operations (see layers.py, losses.py, optimizers.py); only the number of
 * passes over memory differs. No -ffast-math: NaN and inf propagate as in
 * NumPy, which the trainer's divergence checks rely on.
 */

/* The optimizers' gradient of the first n_l2 values carries the L2 term,
 * g + l2 w (Objective.descend: l2 = alpha / sum(w), the weights first in the
 * flat vector); the rest is g as it is. */
#define GRADIENT(i) (i < n_l2 ? g[i] + l2 * w[i] : g[i])

/* Adam, one pass (optimizers.Adam), with c1 = 1 - b1 and c2 = 1 - b2
 * rounded from double as NumPy's scalars are (1 - 0.999f in float is 5e-5
 * off 0.001):
 *   m = b1 m + c1 g;  s = b2 s + c2 g^2;  w -= lr m / (sqrt(s) + eps) */
static void NAME(adam)(REAL *restrict w, const REAL *restrict g,
                       REAL *restrict m, REAL *restrict s, Py_ssize_t n,
                       REAL lr, REAL b1, REAL c1, REAL b2, REAL c2, REAL eps,
                       REAL l2, Py_ssize_t n_l2)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        REAL gi = GRADIENT(i);
        REAL mi = b1 * m[i] + c1 * gi;
        REAL si = b2 * s[i] + c2 * (gi * gi);
        m[i] = mi;
        s[i] = si;
        w[i] -= lr * (mi / (SQRT(si) + eps));
    }
}

/* SGD with momentum, one pass (optimizers.SGD):
 *   v = momentum v - lr g;  w += v  (or, Nesterov, w += momentum v - lr g) */
static void NAME(sgd)(REAL *restrict w, const REAL *restrict g,
                      REAL *restrict v, Py_ssize_t n, REAL lr, REAL momentum,
                      int nesterov, REAL l2, Py_ssize_t n_l2)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        REAL gi = GRADIENT(i);
        REAL vi = momentum * v[i] - lr * gi;
        v[i] = vi;
        w[i] += nesterov ? momentum * vi - lr * gi : vi;
    }
}

#undef GRADIENT

/* expit(x) = 1 / (1 + exp(-x)), with exp taken of -|x| so it cannot overflow. */
static inline REAL NAME(expit)(REAL x)
{
    if (x >= 0)
        return 1 / (1 + EXP(-x));
    REAL e = EXP(x);
    return e / (1 + e);
}

/* REAL and its integer of the same width, to read and write its bits. */
typedef union { REAL f; INT i; } NAME(bits);

/* exp(x) for x <= 0 with no libm call and no branch, so that loops of it
 * vectorise (libm's exp is a scalar call): x = k ln2 + r with |r| <= ln2/2,
 * exp(r) by its Taylor polynomial (Estrin's scheme: a short dependency
 * chain), 2^k written into the exponent bits. Within 1 ulp of libm's exp
 * (measured over 2e6 values); NaN stays NaN; -inf and x < EXP_LOW give 0,
 * where libm gives subnormals below 2.3e-308 (1.2e-38 in float). */
static inline REAL NAME(exp_nonpositive)(REAL x)
{
    NAME(bits) xb = {x}, low = {EXP_LOW}, k_bits, scale, y;
    INT below = -(INT)(x < EXP_LOW);  /* all ones there: a mask, not a branch */
    xb.i = (xb.i & ~below) | (low.i & below);
    k_bits.f = xb.f * (REAL)1.4426950408889634 + EXP_SHIFTER;
    REAL k = k_bits.f - EXP_SHIFTER;  /* round(x / ln2), its integer in k_bits */
    REAL r = (xb.f - k * LN2_HI) - k * LN2_LO, r2 = r * r, r4 = r2 * r2;
    REAL low_terms = ((REAL)1 + r) + r2 * ((REAL)(1.0 / 2) + r * (REAL)(1.0 / 6))
        + r4 * (((REAL)(1.0 / 24) + r * (REAL)(1.0 / 120))
                + r2 * ((REAL)(1.0 / 720) + r * (REAL)(1.0 / 5040)));
#if EXP_DEGREE > 7
    REAL r8 = r4 * r4;
    REAL p = low_terms + r8 * (((REAL)(1.0 / 40320) + r * (REAL)(1.0 / 362880))
        + r2 * ((REAL)(1.0 / 3628800) + r * (REAL)(1.0 / 39916800))
        + r4 * ((REAL)(1.0 / 479001600) + r * (REAL)(1.0 / 6227020800)));
#else
    REAL p = low_terms;
#endif
    scale.i = (k_bits.i + EXP_BIAS) << MANTISSA_BITS;
    y.f = p * scale.f;
    y.i &= ~below;
    return y.f;
}

/* Phi(x), the standard normal CDF, as scipy's ndtr: erfc(-x / sqrt(2)) / 2. */
static inline REAL NAME(ndtr)(REAL x)
{
    return (REAL)0.5 * ERFC(-x * (REAL)0.70710678118654752440);
}

/* f(x) for one hidden activation (layers.py); NaN stays NaN. */
static inline REAL NAME(activate)(int code, REAL x)
{
    switch (code) {
    case ACT_LOGISTIC: return NAME(expit)(x);
    case ACT_TANH: return TANH(x);
    case ACT_RELU: return x < 0 ? 0 : x;
    case ACT_LEAKY_RELU: return x < 0 ? (REAL)0.01 * x : x;
    case ACT_ELU: return x > 0 ? x : EXPM1(x);  /* max(x, 0) + expm1(min(x, 0)) */
    case ACT_SOFTPLUS:  /* logaddexp(0, x) = max(x, 0) + log1p(exp(-|x|)) */
        return (x > 0 ? x : 0) + LOG1P(EXP(x > 0 ? -x : x));
    case ACT_SILU: return x * NAME(expit)(x);
    case ACT_GELU: return x * NAME(ndtr)(x);
    default: return x;
    }
}

/* z (n x k) += bias row-wise, then out = f(z); out may be z. The relu and
 * identity loops are written out so that they vectorise. */
static void NAME(bias_act)(REAL *restrict z, const REAL *restrict b,
                           REAL *out, Py_ssize_t n, Py_ssize_t k, int code,
                           int keep_z)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        REAL *zi = z + i * k, *oi = out + i * k;
        if (code == ACT_RELU && !keep_z) {
            for (Py_ssize_t j = 0; j < k; j++) {
                REAL x = zi[j] + b[j];
                oi[j] = x < 0 ? 0 : x;
            }
        } else if (keep_z) {
            for (Py_ssize_t j = 0; j < k; j++) {
                zi[j] += b[j];
                oi[j] = NAME(activate)(code, zi[j]);
            }
        } else {
            for (Py_ssize_t j = 0; j < k; j++)
                oi[j] = NAME(activate)(code, zi[j] + b[j]);
        }
    }
}

/* f'(z), in terms of the output a where the activation allows (layers.py). */
static inline REAL NAME(slope)(int code, REAL z, REAL a)
{
    switch (code) {
    case ACT_LOGISTIC: return a * (1 - a);
    case ACT_TANH: return 1 - a * a;
    case ACT_RELU: return a > 0 ? 1 : 0;
    case ACT_LEAKY_RELU: return a > 0 ? 1 : (REAL)0.01;
    case ACT_ELU: return (a > 0 ? 0 : a) + 1;  /* min(a, 0) + 1, NaN kept */
    case ACT_SOFTPLUS: return -EXPM1(-a);
    case ACT_SILU: {
        REAL s = NAME(expit)(z);
        return s * (1 + z * (1 - s));
    }
    case ACT_GELU: {
        REAL c = z < -40 ? -40 : (z > 40 ? 40 : z);
        REAL density = EXP((REAL)-0.5 * c * c) / (REAL)2.50662827463100050242;
        return NAME(ndtr)(z) + c * density;
    }
    default: return 1;
    }
}

/* delta (n x k) *= f'; bias_grad (k) = column sums of the result (when not
 * NULL). z is read only by the activations that need it (silu, gelu). The
 * activations without a transcendental function get loops of their own that
 * vectorise; the slope is computed into a variable first (GCC 12 vectorises
 * "m = c ? 1 : 0; d *= m" but not "d *= c ? 1 : 0"), which keeps NumPy's
 * semantics: an infinite delta times a zero slope is NaN. */
static void NAME(act_backward)(REAL *restrict delta, const REAL *restrict a,
                               const REAL *restrict z,
                               REAL *restrict bias_grad, Py_ssize_t n,
                               Py_ssize_t k, int code)
{
    const Py_ssize_t size = n * k;  /* one long loop over the batch, then sums */
    switch (code) {
    case ACT_IDENTITY:
        break;
    case ACT_RELU:
        for (Py_ssize_t t = 0; t < size; t++) {
            REAL one = 1, slope = a[t] > 0 ? one : 0;
            delta[t] *= slope;
        }
        break;
    case ACT_LEAKY_RELU:
        for (Py_ssize_t t = 0; t < size; t++) {
            REAL one = 1, slope = a[t] > 0 ? one : (REAL)0.01;
            delta[t] *= slope;
        }
        break;
    case ACT_TANH:
        for (Py_ssize_t t = 0; t < size; t++)
            delta[t] *= 1 - a[t] * a[t];
        break;
    case ACT_LOGISTIC:  /* in NumPy's order: (delta a) (1 - a) */
        for (Py_ssize_t t = 0; t < size; t++)
            delta[t] = delta[t] * a[t] * (1 - a[t]);
        break;
    default:
        for (Py_ssize_t t = 0; t < size; t++)
            delta[t] *= NAME(slope)(code, z ? z[t] : 0, a[t]);
    }
    if (!bias_grad)
        return;
    for (Py_ssize_t j = 0; j < k; j++)
        bias_grad[j] = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        for (Py_ssize_t j = 0; j < k; j++)
            bias_grad[j] += delta[i * k + j];
}

/* Multiclass log loss (losses.MultinomialLogLoss), row by row:
 *   r = raw - max(raw);  loss = log(sum(exp(r))) - y . r;  grad = softmax - y
 * (grad may be raw: every value is read before it is written over). */
static void NAME(softmax_loss)(const REAL *raw, const REAL *restrict y,
                               REAL *grad, REAL *restrict losses,
                               Py_ssize_t n, Py_ssize_t k)
{
    /* Row by row: r = raw - max, into grad; y . r, into losses. */
    for (Py_ssize_t i = 0; i < n; i++) {
        const REAL *ri = raw + i * k, *yi = y + i * k;
        REAL *gi = grad + i * k, top = ri[0], y_dot_r = 0;
        for (Py_ssize_t j = 1; j < k; j++) {  /* NaN wins, as in np.max */
            REAL v = ri[j];
            top = (v > top) | (v != v) ? v : top;  /* | not ||: no branch */
        }
        for (Py_ssize_t j = 0; j < k; j++) {
            gi[j] = ri[j] - top;
            y_dot_r += yi[j] * gi[j];
        }
        losses[i] = y_dot_r;
    }
    /* exp(r) over the whole batch in one vectorised pass (r <= 0). */
    for (Py_ssize_t t = 0; t < n * k; t++)
        grad[t] = NAME(exp_nonpositive)(grad[t]);
    for (Py_ssize_t i = 0; i < n; i++) {
        REAL *gi = grad + i * k, total = 0;
        const REAL *yi = y + i * k;
        for (Py_ssize_t j = 0; j < k; j++)
            total += gi[j];
        for (Py_ssize_t j = 0; j < k; j++)
            gi[j] = gi[j] / total - yi[j];
        losses[i] = LOG(total) - losses[i];
    }
}

/* Binary log loss of independent logistic outputs (losses.BinaryLogLoss):
 *   loss = sum(logaddexp(0, raw) - y raw);  grad = expit(raw) - y */
static void NAME(logistic_loss)(const REAL *raw, const REAL *restrict y,
                                REAL *grad, REAL *restrict losses,
                                Py_ssize_t n, Py_ssize_t k)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        const REAL *ri = raw + i * k, *yi = y + i * k;
        REAL *gi = grad + i * k, total = 0;
        for (Py_ssize_t j = 0; j < k; j++) {
            REAL x = ri[j];
            total += NAME(activate)(ACT_SOFTPLUS, x) - yi[j] * x;
            gi[j] = NAME(expit)(x) - yi[j];
        }
        losses[i] = total;
    }
}

/* Half squared error (losses.SquaredError): grad = raw - y, loss = sum grad^2 / 2 */
static void NAME(squared_loss)(const REAL *raw, const REAL *restrict y,
                               REAL *grad, REAL *restrict losses,
                               Py_ssize_t n, Py_ssize_t k)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        const REAL *ri = raw + i * k, *yi = y + i * k;
        REAL *gi = grad + i * k, total = 0;
        for (Py_ssize_t j = 0; j < k; j++) {
            REAL d = ri[j] - yi[j];
            gi[j] = d;
            total += d * d;
        }
        losses[i] = (REAL)0.5 * total;
    }
}

/* Half Poisson deviance with the log link (losses.Poisson), raw capped at
 * `cap` (half the log of the type's maximum):
 *   loss = sum(xlogy(y, y) - y raw - y + exp(raw));  grad = exp(raw) - y */
static void NAME(poisson_loss)(const REAL *raw, const REAL *restrict y,
                               REAL *grad, REAL *restrict losses,
                               Py_ssize_t n, Py_ssize_t k, REAL cap)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        const REAL *ri = raw + i * k, *yi = y + i * k;
        REAL *gi = grad + i * k, total = 0, mu_total = 0;
        for (Py_ssize_t j = 0; j < k; j++) {
            REAL x = ri[j] < cap || ri[j] != ri[j] ? ri[j] : cap, yj = yi[j];
            REAL mu = EXP(x);
            total += (yj == 0 ? 0 : yj * LOG(yj)) - yj * x - yj;
            mu_total += mu;
            gi[j] = mu - yj;
        }
        losses[i] = total + mu_total;
    }
}

/* The step's scaling of the output gradient, in one pass (Objective): row i
 * of grad times w_i / total (1 / total unweighted, passed as inv_total),
 * bias_grad = column sums of the result; returns sum_i w_i losses_i. */
static double NAME(scale_rows)(REAL *restrict grad, const REAL *restrict losses,
                               const REAL *restrict w, double total,
                               double inv_total, REAL *restrict bias_grad,
                               Py_ssize_t n, Py_ssize_t k)
{
    double weighted = 0;
    for (Py_ssize_t j = 0; j < k; j++)
        bias_grad[j] = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        REAL *gi = grad + i * k;
        REAL factor = w ? (REAL)(w[i] / total) : (REAL)inv_total;
        for (Py_ssize_t j = 0; j < k; j++) {
            gi[j] *= factor;
            bias_grad[j] += gi[j];
        }
        weighted += w ? (double)w[i] * losses[i] : (double)losses[i];
    }
    return weighted;
}

/* This header's parameters, undefined for the next instantiation. */
#undef REAL
#undef NAME
#undef EXP
#undef EXPM1
#undef LOG
#undef LOG1P
#undef TANH
#undef ERFC
#undef SQRT
#undef INT
#undef EXP_SHIFTER
#undef EXP_LOW
#undef EXP_BIAS
#undef MANTISSA_BITS
#undef LN2_HI
#undef LN2_LO
#undef EXP_DEGREE

/* sklearn_mbnet._ckernels: the optional compiled kernels (plain C99).
 *
 * The elementwise work of a training step, fused into single passes: Adam and
 * SGD updates, bias + activation forward, activation backward + bias gradient,
 * output link + loss gradient, and the shuffled row gather. The GEMMs stay in
 * NumPy's BLAS. sklearn_mbnet/_kernels.py is the only caller; the NumPy path
 * there is the reference every kernel is tested against.
 *
 * Arrays come in through the buffer protocol (no NumPy headers: one build
 * works with every NumPy), must be C-contiguous float64 or float32 (the
 * gather takes any strides and any alignment), and are checked for matching
 * sizes before any memory is touched.
 *
 * Every kernel is compiled three times (baseline x86-64 or other CPUs,
 * x86-64-v3 = AVX2 + FMA, AVX-512); the variant is chosen once at import from
 * the CPU's features. Loops long enough to matter release the GIL.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

enum { ACT_IDENTITY, ACT_LOGISTIC, ACT_TANH, ACT_RELU, ACT_LEAKY_RELU,
       ACT_ELU, ACT_SOFTPLUS, ACT_SILU, ACT_GELU, N_ACTIVATIONS };
static const char *ACTIVATION_NAMES[N_ACTIVATIONS] = {
    "identity", "logistic", "tanh", "relu", "leaky_relu", "elu", "softplus",
    "silu", "gelu"};
enum { LOSS_SOFTMAX, LOSS_LOGISTIC, LOSS_SQUARED, LOSS_POISSON, N_LOSSES };
static const char *LOSS_NAMES[N_LOSSES] = {
    "log_loss", "binary_log_loss", "squared_error", "poisson"};

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

/* One variant's kernels, for float64 (index 0) and float32 (index 1). */
typedef struct {
    const char *name;
    void (*adam_d)(double *, const double *, double *, double *, Py_ssize_t,
                   double, double, double, double, double, double, double,
                   Py_ssize_t);
    void (*adam_f)(float *, const float *, float *, float *, Py_ssize_t,
                   float, float, float, float, float, float, float,
                   Py_ssize_t);
    void (*sgd_d)(double *, const double *, double *, Py_ssize_t, double,
                  double, int, double, Py_ssize_t);
    void (*sgd_f)(float *, const float *, float *, Py_ssize_t, float, float,
                  int, float, Py_ssize_t);
    void (*bias_act_d)(double *, const double *, double *, Py_ssize_t,
                       Py_ssize_t, int, int);
    void (*bias_act_f)(float *, const float *, float *, Py_ssize_t,
                       Py_ssize_t, int, int);
    void (*act_backward_d)(double *, const double *, const double *, double *,
                           Py_ssize_t, Py_ssize_t, int);
    void (*act_backward_f)(float *, const float *, const float *, float *,
                           Py_ssize_t, Py_ssize_t, int);
    void (*loss_d[N_LOSSES])(const double *, const double *, double *,
                             double *, Py_ssize_t, Py_ssize_t);
    void (*loss_f[N_LOSSES])(const float *, const float *, float *, float *,
                             Py_ssize_t, Py_ssize_t);
    void (*poisson_d)(const double *, const double *, double *, double *,
                      Py_ssize_t, Py_ssize_t, double);
    void (*poisson_f)(const float *, const float *, float *, float *,
                      Py_ssize_t, Py_ssize_t, float);
    double (*scale_rows_d)(double *, const double *, const double *, double,
                           double, double *, Py_ssize_t, Py_ssize_t);
    double (*scale_rows_f)(float *, const float *, const float *, double,
                           double, float *, Py_ssize_t, Py_ssize_t);
} Kernels;

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
static const Kernels *K = &BASELINE;

/* The variants this CPU can run, best last. */
static const Kernels *SUPPORTED[3];
static int N_SUPPORTED = 0;

static void find_variants(void)
{
    SUPPORTED[N_SUPPORTED++] = &BASELINE;
#if HAVE_VARIANTS
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        SUPPORTED[N_SUPPORTED++] = &AVX2;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("avx512vl"))
        SUPPORTED[N_SUPPORTED++] = &AVX512;
#endif
    K = SUPPORTED[N_SUPPORTED - 1];
}

/* Above this many values a kernel runs without the GIL (about 10 us of work). */
#define GIL_FREE_SIZE 16384
#define RELEASE_GIL(size) \
    PyThreadState *saved_ = (size) > GIL_FREE_SIZE ? PyEval_SaveThread() : NULL
#define ACQUIRE_GIL() \
    if (saved_)       \
    PyEval_RestoreThread(saved_)


/* -- arguments ------------------------------------------------------------ */

/* The buffers a call holds; all released on every way out. */
typedef struct {
    Py_buffer view[6];
    int n;
} Views;

static void release(Views *v)
{
    for (int i = 0; i < v->n; i++)
        PyBuffer_Release(&v->view[i]);
}

/* Hold obj as a C-contiguous array: its element type 'd' or 'f', or 0 with
 * an exception set. */
static char hold(Views *v, PyObject *obj, int writable, const char *what)
{
    Py_buffer *b = &v->view[v->n];
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT
        | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, b, flags) < 0)
        return 0;
    v->n++;
    const char *f = b->format ? b->format : "B";
    if (*f == '@' || *f == '=')
        f++;
    if (f[0] == 'd' && f[1] == '\0' && b->itemsize == 8)
        return 'd';
    if (f[0] == 'f' && f[1] == '\0' && b->itemsize == 4)
        return 'f';
    PyErr_Format(PyExc_TypeError, "%s must be float64 or float32", what);
    return 0;
}

/* Hold several arrays of one type and one number of elements `size`
 * (or, where size is negative, any number). */
static char hold_same(Views *v, PyObject *const *objs, int count, int writable,
                      Py_ssize_t size, char type)
{
    for (int i = 0; i < count; i++) {
        char t = hold(v, objs[i], writable, "the arrays");
        if (!t)
            return 0;
        Py_buffer *b = &v->view[v->n - 1];
        if ((type && t != type) || (size >= 0 && b->len / b->itemsize != size)) {
            PyErr_SetString(PyExc_ValueError,
                            "the arrays must have one dtype and matching sizes");
            return 0;
        }
        type = t;
    }
    return type;
}

static int check_nargs(Py_ssize_t nargs, Py_ssize_t expected, const char *name)
{
    if (nargs == expected)
        return 0;
    PyErr_Format(PyExc_TypeError, "%s takes %zd arguments (%zd given)", name,
                 expected, nargs);
    return -1;
}

/* The (rows, columns) of a held 2-D array, or -1 with an exception. */
static int matrix_shape(Py_buffer *b, Py_ssize_t *n, Py_ssize_t *k)
{
    if (b->ndim != 2) {
        PyErr_SetString(PyExc_ValueError, "expected a 2-D array");
        return -1;
    }
    *n = b->shape[0];
    *k = b->shape[1];
    return 0;
}

/* Release the buffers; None, or NULL with the exception set when not ok. */
static PyObject *done(Views *v, int ok)
{
    release(v);
    if (!ok)
        return NULL;
    Py_RETURN_NONE;
}

#define DATA(v, i) ((v).view[i].buf)
#define SIZE(v, i) ((v).view[i].len / (v).view[i].itemsize)

/* -- optimizers ----------------------------------------------------------- */

/* The L2 term's (l2, n_l2) from args[i], args[i + 1]; n_l2 at most n. */
static int l2_term(PyObject *const *args, Py_ssize_t n, double *l2,
                   Py_ssize_t *n_l2)
{
    *l2 = PyFloat_AsDouble(args[0]);
    *n_l2 = PyLong_AsSsize_t(args[1]);
    if (PyErr_Occurred())
        return -1;
    if (*n_l2 < 0 || *n_l2 > n) {
        PyErr_SetString(PyExc_ValueError, "n_l2 must be between 0 and len(w)");
        return -1;
    }
    return 0;
}

/* adam(w, g, m, s, lr, beta_1, beta_2, epsilon, l2, n_l2): one Adam step in
 * place, on the gradient g + l2 w over the first n_l2 values. */
static PyObject *py_adam(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    Views v = {.n = 0};
    double l2;
    Py_ssize_t n_l2;
    if (check_nargs(nargs, 10, "adam") < 0)
        return NULL;
    double lr = PyFloat_AsDouble(args[4]), b1 = PyFloat_AsDouble(args[5]);
    double b2 = PyFloat_AsDouble(args[6]), eps = PyFloat_AsDouble(args[7]);
    if (PyErr_Occurred())
        return NULL;
    char t = hold(&v, args[0], 1, "w");
    if (!t || !hold_same(&v, args + 1, 1, 0, SIZE(v, 0), t)
        || !hold_same(&v, args + 2, 2, 1, SIZE(v, 0), t)
        || l2_term(args + 8, SIZE(v, 0), &l2, &n_l2) < 0)
        goto fail;
    Py_ssize_t n = SIZE(v, 0);
    RELEASE_GIL(n);
    if (t == 'd')
        K->adam_d(DATA(v, 0), DATA(v, 1), DATA(v, 2), DATA(v, 3), n, lr, b1,
                  1 - b1, b2, 1 - b2, eps, l2, n_l2);
    else
        K->adam_f(DATA(v, 0), DATA(v, 1), DATA(v, 2), DATA(v, 3), n,
                  (float)lr, (float)b1, (float)(1 - b1), (float)b2,
                  (float)(1 - b2), (float)eps, (float)l2, n_l2);
    ACQUIRE_GIL();
    return done(&v, 1);
fail:
    return done(&v, 0);
}

/* sgd(w, g, v, lr, momentum, nesterov, l2, n_l2): one SGD step in place, on
 * the gradient g + l2 w over the first n_l2 values. */
static PyObject *py_sgd(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    Views v = {.n = 0};
    double l2;
    Py_ssize_t n_l2;
    if (check_nargs(nargs, 8, "sgd") < 0)
        return NULL;
    double lr = PyFloat_AsDouble(args[3]), mu = PyFloat_AsDouble(args[4]);
    int nesterov = PyObject_IsTrue(args[5]);
    if (PyErr_Occurred())
        return NULL;
    char t = hold(&v, args[0], 1, "w");
    if (!t || !hold_same(&v, args + 1, 1, 0, SIZE(v, 0), t)
        || !hold_same(&v, args + 2, 1, 1, SIZE(v, 0), t)
        || l2_term(args + 6, SIZE(v, 0), &l2, &n_l2) < 0)
        goto fail;
    Py_ssize_t n = SIZE(v, 0);
    RELEASE_GIL(n);
    if (t == 'd')
        K->sgd_d(DATA(v, 0), DATA(v, 1), DATA(v, 2), n, lr, mu, nesterov, l2,
                 n_l2);
    else
        K->sgd_f(DATA(v, 0), DATA(v, 1), DATA(v, 2), n, (float)lr, (float)mu,
                 nesterov, (float)l2, n_l2);
    ACQUIRE_GIL();
    return done(&v, 1);
fail:
    return done(&v, 0);
}

/* -- layers --------------------------------------------------------------- */

static int activation_code(PyObject *obj)
{
    long code = PyLong_AsLong(obj);
    if (code == -1 && PyErr_Occurred())
        return -1;
    if (code < 0 || code >= N_ACTIVATIONS) {
        PyErr_SetString(PyExc_ValueError, "unknown activation code");
        return -1;
    }
    return (int)code;
}

/* bias_act(z, bias, out, code, keep_z): z += bias if keep_z; out = f(z + bias). */
static PyObject *py_bias_act(PyObject *self, PyObject *const *args,
                             Py_ssize_t nargs)
{
    Views v = {.n = 0};
    Py_ssize_t n, k;
    if (check_nargs(nargs, 5, "bias_act") < 0)
        return NULL;
    int code = activation_code(args[3]), keep_z = PyObject_IsTrue(args[4]);
    if (code < 0 || keep_z < 0)
        return NULL;
    char t = hold(&v, args[0], 1, "z");
    if (!t || matrix_shape(&v.view[0], &n, &k) < 0
        || !hold_same(&v, args + 1, 1, 0, k, t)
        || !hold_same(&v, args + 2, 1, 1, n * k, t))
        goto fail;
    RELEASE_GIL(n * k);
    if (t == 'd')
        K->bias_act_d(DATA(v, 0), DATA(v, 1), DATA(v, 2), n, k, code, keep_z);
    else
        K->bias_act_f(DATA(v, 0), DATA(v, 1), DATA(v, 2), n, k, code, keep_z);
    ACQUIRE_GIL();
    return done(&v, 1);
fail:
    return done(&v, 0);
}

/* act_backward(delta, a, z, bias_grad, code): delta *= f'; bias_grad = column
 * sums of delta. z and bias_grad may be None. */
static PyObject *py_act_backward(PyObject *self, PyObject *const *args,
                                 Py_ssize_t nargs)
{
    Views v = {.n = 0};
    Py_ssize_t n, k;
    void *z = NULL, *bias_grad = NULL;
    if (check_nargs(nargs, 5, "act_backward") < 0)
        return NULL;
    int code = activation_code(args[4]);
    if (code < 0)
        return NULL;
    char t = hold(&v, args[0], 1, "delta");
    if (!t || matrix_shape(&v.view[0], &n, &k) < 0
        || !hold_same(&v, args + 1, 1, 0, n * k, t))
        goto fail;
    if (args[2] != Py_None) {
        if (!hold_same(&v, args + 2, 1, 0, n * k, t))
            goto fail;
        z = DATA(v, v.n - 1);
    } else if (code == ACT_SILU || code == ACT_GELU) {
        PyErr_SetString(PyExc_ValueError, "this activation's derivative needs z");
        goto fail;
    }
    if (args[3] != Py_None) {
        if (!hold_same(&v, args + 3, 1, 1, k, t))
            goto fail;
        bias_grad = DATA(v, v.n - 1);
    }
    RELEASE_GIL(n * k);
    if (t == 'd')
        K->act_backward_d(DATA(v, 0), DATA(v, 1), z, bias_grad, n, k, code);
    else
        K->act_backward_f(DATA(v, 0), DATA(v, 1), z, bias_grad, n, k, code);
    ACQUIRE_GIL();
    return done(&v, 1);
fail:
    return done(&v, 0);
}

/* -- losses --------------------------------------------------------------- */

/* loss_gradient(code, raw, y, grad, losses, cap): per-row losses and the
 * gradient with respect to raw (grad may be raw); cap is Poisson's. */
static PyObject *py_loss_gradient(PyObject *self, PyObject *const *args,
                                  Py_ssize_t nargs)
{
    Views v = {.n = 0};
    Py_ssize_t n, k;
    if (check_nargs(nargs, 6, "loss_gradient") < 0)
        return NULL;
    long code = PyLong_AsLong(args[0]);
    double cap = PyFloat_AsDouble(args[5]);
    if (PyErr_Occurred())
        return NULL;
    if (code < 0 || code >= N_LOSSES) {
        PyErr_SetString(PyExc_ValueError, "unknown loss code");
        return NULL;
    }
    char t = hold(&v, args[1], 0, "raw");
    if (!t || matrix_shape(&v.view[0], &n, &k) < 0 || k < 1
        || !hold_same(&v, args + 2, 1, 0, n * k, t)
        || !hold_same(&v, args + 3, 1, 1, n * k, t)
        || !hold_same(&v, args + 4, 1, 1, n, t))
        goto fail;
    void *raw = DATA(v, 0), *y = DATA(v, 1), *grad = DATA(v, 2);
    void *losses = DATA(v, 3);
    RELEASE_GIL(n * k);
    if (code == LOSS_POISSON && t == 'd')
        K->poisson_d(raw, y, grad, losses, n, k, cap);
    else if (code == LOSS_POISSON)
        K->poisson_f(raw, y, grad, losses, n, k, (float)cap);
    else if (t == 'd')
        K->loss_d[code](raw, y, grad, losses, n, k);
    else
        K->loss_f[code](raw, y, grad, losses, n, k);
    ACQUIRE_GIL();
    return done(&v, 1);
fail:
    return done(&v, 0);
}

/* mean_loss_gradient(code, raw, y, w, total, bias_grad, cap): the batch's
 * weighted mean loss; raw becomes its gradient, w_i (link - y_i) / total
 * (w None: all ones), and bias_grad the column sums of that. */
static PyObject *py_mean_loss_gradient(PyObject *self, PyObject *const *args,
                                       Py_ssize_t nargs)
{
    Views v = {.n = 0};
    Py_ssize_t n, k;
    const void *w = NULL;
    if (check_nargs(nargs, 7, "mean_loss_gradient") < 0)
        return NULL;
    long code = PyLong_AsLong(args[0]);
    double total = PyFloat_AsDouble(args[4]), cap = PyFloat_AsDouble(args[6]);
    if (PyErr_Occurred())
        return NULL;
    if (code < 0 || code >= N_LOSSES || !(total > 0)) {
        PyErr_SetString(PyExc_ValueError, "unknown loss code or total <= 0");
        return NULL;
    }
    char t = hold(&v, args[1], 1, "raw");
    if (!t || matrix_shape(&v.view[0], &n, &k) < 0 || k < 1
        || !hold_same(&v, args + 2, 1, 0, n * k, t)
        || !hold_same(&v, args + 5, 1, 1, k, t))
        goto fail;
    if (args[3] != Py_None) {
        if (!hold_same(&v, args + 3, 1, 0, n, t))
            goto fail;
        w = DATA(v, 3);
    }
    void *raw = DATA(v, 0), *y = DATA(v, 1), *bias_grad = DATA(v, 2);
    void *losses = PyMem_Malloc((n ? n : 1) * v.view[0].itemsize);
    if (!losses) {
        PyErr_NoMemory();
        goto fail;
    }
    double weighted;
    RELEASE_GIL(n * k);
    if (t == 'd') {
        if (code == LOSS_POISSON)
            K->poisson_d(raw, y, raw, losses, n, k, cap);
        else
            K->loss_d[code](raw, y, raw, losses, n, k);
        weighted = K->scale_rows_d(raw, losses, w, total, 1.0 / total, bias_grad,
                                   n, k);
    } else {
        if (code == LOSS_POISSON)
            K->poisson_f(raw, y, raw, losses, n, k, (float)cap);
        else
            K->loss_f[code](raw, y, raw, losses, n, k);
        weighted = K->scale_rows_f(raw, losses, w, total, 1.0 / total, bias_grad,
                                   n, k);
    }
    ACQUIRE_GIL();
    PyMem_Free(losses);
    release(&v);
    return PyFloat_FromDouble(weighted / total);
fail:
    return done(&v, 0);
}

/* -- row gather ----------------------------------------------------------- */

/* Copy rows idx of a (1-D or 2-D, any strides, any alignment, read-only
 * allowed) into out, C-contiguous of shape (len(idx), ...) and a's itemsize.
 * Contiguous rows are copied whole; strided ones element by element. */
static void gather_rows(const Py_buffer *a, const Py_ssize_t *idx,
                        Py_ssize_t m, char *out)
{
    Py_ssize_t size = a->itemsize, width = a->ndim == 2 ? a->shape[1] : 1;
    Py_ssize_t step = a->ndim == 2 ? a->strides[1] : size;
    Py_ssize_t row_bytes = width * size;
    for (Py_ssize_t r = 0; r < m; r++, out += row_bytes) {
        const char *src = (const char *)a->buf + idx[r] * a->strides[0];
        if (step == size) {
            memcpy(out, src, row_bytes);
            continue;
        }
        for (Py_ssize_t j = 0; j < width; j++)
            memcpy(out + j * size, src + j * step, size);
    }
}

/* gather(a, idx, out): out[:] = a[idx], idx an intp array of valid rows. */
static PyObject *py_gather(PyObject *self, PyObject *const *args,
                           Py_ssize_t nargs)
{
    Views v = {.n = 0};
    if (check_nargs(nargs, 3, "gather") < 0)
        return NULL;
    if (PyObject_GetBuffer(args[0], &v.view[0], PyBUF_STRIDES) < 0)
        return NULL;
    v.n = 1;
    Py_buffer *a = &v.view[0], *idx = &v.view[1], *out = &v.view[2];
    if (PyObject_GetBuffer(args[1], idx, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
        goto fail;
    v.n = 2;
    if (PyObject_GetBuffer(args[2], out, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) < 0)
        goto fail;
    v.n = 3;
    Py_ssize_t m = idx->len / idx->itemsize;
    Py_ssize_t width = a->ndim == 2 ? a->shape[1] : 1;
    if (a->ndim < 1 || a->ndim > 2 || idx->itemsize != sizeof(Py_ssize_t)
        || strchr("lqn", idx->format[strspn(idx->format, "@=")]) == NULL
        || out->len != m * width * a->itemsize) {
        PyErr_SetString(PyExc_ValueError,
                        "gather needs a 1-D or 2-D array, intp indices and an "
                        "output of len(idx) rows of the array's width and dtype");
        goto fail;
    }
    const Py_ssize_t *rows = idx->buf;
    for (Py_ssize_t r = 0; r < m; r++)
        if (rows[r] < 0 || rows[r] >= a->shape[0]) {
            PyErr_Format(PyExc_IndexError, "row %zd out of range", rows[r]);
            goto fail;
        }
    RELEASE_GIL(m * width);
    gather_rows(a, rows, m, out->buf);
    ACQUIRE_GIL();
    return done(&v, 1);
fail:
    return done(&v, 0);
}

/* -- module --------------------------------------------------------------- */

static PyObject *py_variant(PyObject *self, PyObject *unused)
{
    return PyUnicode_FromString(K->name);
}

static PyObject *py_variants(PyObject *self, PyObject *unused)
{
    PyObject *names = PyList_New(N_SUPPORTED);
    for (int i = 0; names && i < N_SUPPORTED; i++) {
        PyObject *name = PyUnicode_FromString(SUPPORTED[i]->name);
        if (!name) {
            Py_DECREF(names);
            return NULL;
        }
        PyList_SET_ITEM(names, i, name);
    }
    return names;
}

/* set_variant(name): run another supported variant (tests compare them). */
static PyObject *py_set_variant(PyObject *self, PyObject *name)
{
    const char *wanted = PyUnicode_AsUTF8(name);
    if (!wanted)
        return NULL;
    for (int i = 0; i < N_SUPPORTED; i++)
        if (strcmp(SUPPORTED[i]->name, wanted) == 0) {
            K = SUPPORTED[i];
            Py_RETURN_NONE;
        }
    PyErr_Format(PyExc_ValueError, "variant %R is not supported on this CPU",
                 name);
    return NULL;
}

static PyMethodDef METHODS[] = {
    {"adam", (PyCFunction)(void (*)(void))py_adam, METH_FASTCALL,
     "adam(w, g, m, s, lr, beta_1, beta_2, epsilon, l2, n_l2): one Adam step."},
    {"sgd", (PyCFunction)(void (*)(void))py_sgd, METH_FASTCALL,
     "sgd(w, g, v, lr, momentum, nesterov, l2, n_l2): one SGD step."},
    {"bias_act", (PyCFunction)(void (*)(void))py_bias_act, METH_FASTCALL,
     "bias_act(z, bias, out, code, keep_z): out = f(z + bias)."},
    {"act_backward", (PyCFunction)(void (*)(void))py_act_backward, METH_FASTCALL,
     "act_backward(delta, a, z, bias_grad, code): delta *= f'; bias_grad = sums."},
    {"loss_gradient", (PyCFunction)(void (*)(void))py_loss_gradient, METH_FASTCALL,
     "loss_gradient(code, raw, y, grad, losses, cap): losses and d loss / d raw."},
    {"mean_loss_gradient", (PyCFunction)(void (*)(void))py_mean_loss_gradient,
     METH_FASTCALL,
     "mean_loss_gradient(code, raw, y, w, total, bias_grad, cap): mean loss."},
    {"gather", (PyCFunction)(void (*)(void))py_gather, METH_FASTCALL,
     "gather(a, idx, out): out[:] = a[idx]."},
    {"variant", py_variant, METH_NOARGS,
     "The CPU variant in use: 'baseline', 'avx2' or 'avx512'."},
    {"variants", py_variants, METH_NOARGS,
     "The variants this CPU supports, best last (the one chosen at import)."},
    {"set_variant", py_set_variant, METH_O,
     "set_variant(name): use another supported variant."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef MODULE = {
    PyModuleDef_HEAD_INIT, "_ckernels",
    "sklearn_mbnet's optional compiled kernels (see _kernels.py).", -1, METHODS};

static PyObject *codes(const char *const *names, int count)
{
    PyObject *d = PyDict_New();
    for (int i = 0; d && i < count; i++) {
        PyObject *code = PyLong_FromLong(i);
        if (!code || PyDict_SetItemString(d, names[i], code) < 0) {
            Py_XDECREF(code);
            Py_DECREF(d);
            return NULL;
        }
        Py_DECREF(code);
    }
    return d;
}

PyMODINIT_FUNC PyInit__ckernels(void)
{
    find_variants();
    PyObject *m = PyModule_Create(&MODULE);
    if (!m)
        return NULL;
    PyObject *acts = codes(ACTIVATION_NAMES, N_ACTIVATIONS);
    PyObject *losses = codes(LOSS_NAMES, N_LOSSES);
    if (!acts || PyModule_AddObject(m, "ACTIVATIONS", acts) < 0
        || !losses || PyModule_AddObject(m, "LOSSES", losses) < 0) {
        Py_XDECREF(acts);
        Py_XDECREF(losses);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}

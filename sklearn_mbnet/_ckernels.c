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
 * the CPU's features (_ckernels_variants.c). Loops long enough to matter
 * release the GIL. This file: the wrappers of the step's kernels, and the
 * module; _ckernels.h lists the other parts.
 */
#include "_ckernels.h"

static const char *ACTIVATION_NAMES[N_ACTIVATIONS] = {
    "identity", "logistic", "tanh", "relu", "leaky_relu", "elu", "softplus",
    "silu", "gelu"};
static const char *LOSS_NAMES[N_LOSSES] = {
    "log_loss", "binary_log_loss", "squared_error", "poisson"};

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
    if (ck_check_nargs(nargs, 10, "adam") < 0)
        return NULL;
    double lr = PyFloat_AsDouble(args[4]), b1 = PyFloat_AsDouble(args[5]);
    double b2 = PyFloat_AsDouble(args[6]), eps = PyFloat_AsDouble(args[7]);
    if (PyErr_Occurred())
        return NULL;
    char t = ck_hold(&v, args[0], 1, "w");
    if (!t || !ck_hold_same(&v, args + 1, 1, 0, SIZE(v, 0), t)
        || !ck_hold_same(&v, args + 2, 2, 1, SIZE(v, 0), t)
        || l2_term(args + 8, SIZE(v, 0), &l2, &n_l2) < 0)
        goto fail;
    Py_ssize_t n = SIZE(v, 0);
    RELEASE_GIL(n);
    if (t == 'd')
        ck_active->adam_d(DATA(v, 0), DATA(v, 1), DATA(v, 2), DATA(v, 3), n, lr, b1,
                  1 - b1, b2, 1 - b2, eps, l2, n_l2);
    else
        ck_active->adam_f(DATA(v, 0), DATA(v, 1), DATA(v, 2), DATA(v, 3), n,
                  (float)lr, (float)b1, (float)(1 - b1), (float)b2,
                  (float)(1 - b2), (float)eps, (float)l2, n_l2);
    ACQUIRE_GIL();
    return ck_done(&v, 1);
fail:
    return ck_done(&v, 0);
}

/* sgd(w, g, v, lr, momentum, nesterov, l2, n_l2): one SGD step in place, on
 * the gradient g + l2 w over the first n_l2 values. */
static PyObject *py_sgd(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    Views v = {.n = 0};
    double l2;
    Py_ssize_t n_l2;
    if (ck_check_nargs(nargs, 8, "sgd") < 0)
        return NULL;
    double lr = PyFloat_AsDouble(args[3]), mu = PyFloat_AsDouble(args[4]);
    int nesterov = PyObject_IsTrue(args[5]);
    if (PyErr_Occurred())
        return NULL;
    char t = ck_hold(&v, args[0], 1, "w");
    if (!t || !ck_hold_same(&v, args + 1, 1, 0, SIZE(v, 0), t)
        || !ck_hold_same(&v, args + 2, 1, 1, SIZE(v, 0), t)
        || l2_term(args + 6, SIZE(v, 0), &l2, &n_l2) < 0)
        goto fail;
    Py_ssize_t n = SIZE(v, 0);
    RELEASE_GIL(n);
    if (t == 'd')
        ck_active->sgd_d(DATA(v, 0), DATA(v, 1), DATA(v, 2), n, lr, mu, nesterov, l2,
                 n_l2);
    else
        ck_active->sgd_f(DATA(v, 0), DATA(v, 1), DATA(v, 2), n, (float)lr, (float)mu,
                 nesterov, (float)l2, n_l2);
    ACQUIRE_GIL();
    return ck_done(&v, 1);
fail:
    return ck_done(&v, 0);
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
    if (ck_check_nargs(nargs, 5, "bias_act") < 0)
        return NULL;
    int code = activation_code(args[3]), keep_z = PyObject_IsTrue(args[4]);
    if (code < 0 || keep_z < 0)
        return NULL;
    char t = ck_hold(&v, args[0], 1, "z");
    if (!t || ck_matrix_shape(&v.view[0], &n, &k) < 0
        || !ck_hold_same(&v, args + 1, 1, 0, k, t)
        || !ck_hold_same(&v, args + 2, 1, 1, n * k, t))
        goto fail;
    RELEASE_GIL(n * k);
    if (t == 'd')
        ck_active->bias_act_d(DATA(v, 0), DATA(v, 1), DATA(v, 2), n, k, code, keep_z);
    else
        ck_active->bias_act_f(DATA(v, 0), DATA(v, 1), DATA(v, 2), n, k, code, keep_z);
    ACQUIRE_GIL();
    return ck_done(&v, 1);
fail:
    return ck_done(&v, 0);
}

/* act_backward(delta, a, z, bias_grad, code): delta *= f'; bias_grad = column
 * sums of delta. z and bias_grad may be None. */
static PyObject *py_act_backward(PyObject *self, PyObject *const *args,
                                 Py_ssize_t nargs)
{
    Views v = {.n = 0};
    Py_ssize_t n, k;
    void *z = NULL, *bias_grad = NULL;
    if (ck_check_nargs(nargs, 5, "act_backward") < 0)
        return NULL;
    int code = activation_code(args[4]);
    if (code < 0)
        return NULL;
    char t = ck_hold(&v, args[0], 1, "delta");
    if (!t || ck_matrix_shape(&v.view[0], &n, &k) < 0
        || !ck_hold_same(&v, args + 1, 1, 0, n * k, t))
        goto fail;
    if (args[2] != Py_None) {
        if (!ck_hold_same(&v, args + 2, 1, 0, n * k, t))
            goto fail;
        z = DATA(v, v.n - 1);
    } else if (code == ACT_SILU || code == ACT_GELU) {
        PyErr_SetString(PyExc_ValueError, "this activation's derivative needs z");
        goto fail;
    }
    if (args[3] != Py_None) {
        if (!ck_hold_same(&v, args + 3, 1, 1, k, t))
            goto fail;
        bias_grad = DATA(v, v.n - 1);
    }
    RELEASE_GIL(n * k);
    if (t == 'd')
        ck_active->act_backward_d(DATA(v, 0), DATA(v, 1), z, bias_grad, n, k, code);
    else
        ck_active->act_backward_f(DATA(v, 0), DATA(v, 1), z, bias_grad, n, k, code);
    ACQUIRE_GIL();
    return ck_done(&v, 1);
fail:
    return ck_done(&v, 0);
}

/* -- losses --------------------------------------------------------------- */

/* loss_gradient(code, raw, y, grad, losses, cap): per-row losses and the
 * gradient with respect to raw (grad may be raw); cap is Poisson's. */
static PyObject *py_loss_gradient(PyObject *self, PyObject *const *args,
                                  Py_ssize_t nargs)
{
    Views v = {.n = 0};
    Py_ssize_t n, k;
    if (ck_check_nargs(nargs, 6, "loss_gradient") < 0)
        return NULL;
    long code = PyLong_AsLong(args[0]);
    double cap = PyFloat_AsDouble(args[5]);
    if (PyErr_Occurred())
        return NULL;
    if (code < 0 || code >= N_LOSSES) {
        PyErr_SetString(PyExc_ValueError, "unknown loss code");
        return NULL;
    }
    char t = ck_hold(&v, args[1], 0, "raw");
    if (!t || ck_matrix_shape(&v.view[0], &n, &k) < 0 || k < 1
        || !ck_hold_same(&v, args + 2, 1, 0, n * k, t)
        || !ck_hold_same(&v, args + 3, 1, 1, n * k, t)
        || !ck_hold_same(&v, args + 4, 1, 1, n, t))
        goto fail;
    void *raw = DATA(v, 0), *y = DATA(v, 1), *grad = DATA(v, 2);
    void *losses = DATA(v, 3);
    RELEASE_GIL(n * k);
    if (code == LOSS_POISSON && t == 'd')
        ck_active->poisson_d(raw, y, grad, losses, n, k, cap);
    else if (code == LOSS_POISSON)
        ck_active->poisson_f(raw, y, grad, losses, n, k, (float)cap);
    else if (t == 'd')
        ck_active->loss_d[code](raw, y, grad, losses, n, k);
    else
        ck_active->loss_f[code](raw, y, grad, losses, n, k);
    ACQUIRE_GIL();
    return ck_done(&v, 1);
fail:
    return ck_done(&v, 0);
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
    if (ck_check_nargs(nargs, 7, "mean_loss_gradient") < 0)
        return NULL;
    long code = PyLong_AsLong(args[0]);
    double total = PyFloat_AsDouble(args[4]), cap = PyFloat_AsDouble(args[6]);
    if (PyErr_Occurred())
        return NULL;
    if (code < 0 || code >= N_LOSSES || !(total > 0)) {
        PyErr_SetString(PyExc_ValueError, "unknown loss code or total <= 0");
        return NULL;
    }
    char t = ck_hold(&v, args[1], 1, "raw");
    if (!t || ck_matrix_shape(&v.view[0], &n, &k) < 0 || k < 1
        || !ck_hold_same(&v, args + 2, 1, 0, n * k, t)
        || !ck_hold_same(&v, args + 5, 1, 1, k, t))
        goto fail;
    if (args[3] != Py_None) {
        if (!ck_hold_same(&v, args + 3, 1, 0, n, t))
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
            ck_active->poisson_d(raw, y, raw, losses, n, k, cap);
        else
            ck_active->loss_d[code](raw, y, raw, losses, n, k);
        weighted = ck_active->scale_rows_d(raw, losses, w, total, 1.0 / total, bias_grad,
                                   n, k);
    } else {
        if (code == LOSS_POISSON)
            ck_active->poisson_f(raw, y, raw, losses, n, k, (float)cap);
        else
            ck_active->loss_f[code](raw, y, raw, losses, n, k);
        weighted = ck_active->scale_rows_f(raw, losses, w, total, 1.0 / total, bias_grad,
                                   n, k);
    }
    ACQUIRE_GIL();
    PyMem_Free(losses);
    ck_release(&v);
    return PyFloat_FromDouble(weighted / total);
fail:
    return ck_done(&v, 0);
}

/* -- module --------------------------------------------------------------- */

static PyObject *py_variant(PyObject *self, PyObject *unused)
{
    return PyUnicode_FromString(ck_active->name);
}

static PyObject *py_variants(PyObject *self, PyObject *unused)
{
    PyObject *names = PyList_New(ck_n_supported);
    for (int i = 0; names && i < ck_n_supported; i++) {
        PyObject *name = PyUnicode_FromString(ck_supported[i]->name);
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
    for (int i = 0; i < ck_n_supported; i++)
        if (strcmp(ck_supported[i]->name, wanted) == 0) {
            ck_active = ck_supported[i];
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
    {"gather", (PyCFunction)(void (*)(void))ck_gather, METH_FASTCALL,
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
    ck_find_variants();
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

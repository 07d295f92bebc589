/* Declarations shared by the compiled kernels' translation units:
 *   _ckernels_variants.c  the kernels, compiled per CPU variant, and the choice
 *   _ckernels_args.c      holding Python arguments as checked buffers
 *   _ckernels_gather.c    the row gather
 *   _ckernels.c           the wrappers of the step's kernels, and the module
 */
#ifndef SKLEARN_MBNET_CKERNELS_H
#define SKLEARN_MBNET_CKERNELS_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

enum { ACT_IDENTITY, ACT_LOGISTIC, ACT_TANH, ACT_RELU, ACT_LEAKY_RELU,
       ACT_ELU, ACT_SOFTPLUS, ACT_SILU, ACT_GELU, N_ACTIVATIONS };
enum { LOSS_SOFTMAX, LOSS_LOGISTIC, LOSS_SQUARED, LOSS_POISSON, N_LOSSES };

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

/* The variant in use, and those this CPU supports (best last). */
extern const Kernels *ck_active;
extern const Kernels *ck_supported[3];
extern int ck_n_supported;
void ck_find_variants(void);

/* Above this many values a kernel runs without the GIL (about 10 us of work). */
#define GIL_FREE_SIZE 16384
#define RELEASE_GIL(size) \
    PyThreadState *saved_ = (size) > GIL_FREE_SIZE ? PyEval_SaveThread() : NULL
#define ACQUIRE_GIL() \
    if (saved_)       \
    PyEval_RestoreThread(saved_)

/* The buffers a call holds; all released on every way out. */
typedef struct {
    Py_buffer view[6];
    int n;
} Views;

void ck_release(Views *v);
char ck_hold(Views *v, PyObject *obj, int writable, const char *what);
char ck_hold_same(Views *v, PyObject *const *objs, int count, int writable,
                  Py_ssize_t size, char type);
int ck_check_nargs(Py_ssize_t nargs, Py_ssize_t expected, const char *name);
int ck_matrix_shape(Py_buffer *b, Py_ssize_t *n, Py_ssize_t *k);
PyObject *ck_done(Views *v, int ok);

#define DATA(v, i) ((v).view[i].buf)
#define SIZE(v, i) ((v).view[i].len / (v).view[i].itemsize)

PyObject *ck_gather(PyObject *self, PyObject *const *args, Py_ssize_t nargs);

#endif

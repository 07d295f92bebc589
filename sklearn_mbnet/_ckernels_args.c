/* Python arguments held as checked buffers: C-contiguous float64 or float32
 * of the sizes a kernel expects, released on every way out of a call. */
#include "_ckernels.h"

void ck_release(Views *v)
{
    for (int i = 0; i < v->n; i++)
        PyBuffer_Release(&v->view[i]);
}

/* Hold obj as a C-contiguous array: its element type 'd' or 'f', or 0 with
 * an exception set. */
char ck_hold(Views *v, PyObject *obj, int writable, const char *what)
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
char ck_hold_same(Views *v, PyObject *const *objs, int count, int writable,
                      Py_ssize_t size, char type)
{
    for (int i = 0; i < count; i++) {
        char t = ck_hold(v, objs[i], writable, "the arrays");
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

int ck_check_nargs(Py_ssize_t nargs, Py_ssize_t expected, const char *name)
{
    if (nargs == expected)
        return 0;
    PyErr_Format(PyExc_TypeError, "%s takes %zd arguments (%zd given)", name,
                 expected, nargs);
    return -1;
}

/* The (rows, columns) of a held 2-D array, or -1 with an exception. */
int ck_matrix_shape(Py_buffer *b, Py_ssize_t *n, Py_ssize_t *k)
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
PyObject *ck_done(Views *v, int ok)
{
    ck_release(v);
    if (!ok)
        return NULL;
    Py_RETURN_NONE;
}

/* The shuffled row gather: rows of an array of any strides and alignment
 * (read-only and memory-mapped too) copied into a reused C-ordered buffer. */
#include "_ckernels.h"

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
PyObject *ck_gather(PyObject *self, PyObject *const *args,
                           Py_ssize_t nargs)
{
    Views v = {.n = 0};
    if (ck_check_nargs(nargs, 3, "gather") < 0)
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
    return ck_done(&v, 1);
fail:
    return ck_done(&v, 0);
}

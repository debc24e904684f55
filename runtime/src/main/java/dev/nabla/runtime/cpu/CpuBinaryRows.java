package dev.nabla.runtime.cpu;

import dev.nabla.runtime.backend.BinaryOp;

/**
 * Binary ops over one run: o[oo + k] = a[ao + k*as] op b[bo + k*bs] for k in [0, n), with each step 0
 * (broadcast) or 1 (float32 and float64 over a block of such runs, see {@link CpuBroadcast.Run}). One loop per op and dtype so the JIT sees a plain arithmetic loop; for the floating
 * dtypes also one per step pattern (both 1; one operand 0, read once as a scalar), since a loop indexed
 * {@code a[ao + k * as]} with a run-time step is not vectorised. MAXIMUM / MINIMUM propagate NaN, as
 * PyTorch does.
 */
final class CpuBinaryRows {
    private CpuBinaryRows() {}

    /** {@code rows} runs of {@code n}, back to back in o; run r reads a from ao + r * ar and b from bo + r * br. */
    static void f32(BinaryOp op, float[] a, int ao, int as, int ar, float[] b, int bo, int bs, int br, float[] o, int oo, int n, int rows) {
        for (int r = 0; r < rows; r++, ao += ar, bo += br, oo += n) {
            if (as == 1 && bs == 1) f32Rows(op, a, ao, b, bo, o, oo, n);
            else if (as == 1 && bs == 0) f32RowScalar(op, a, ao, b[bo], o, oo, n);
            else if (as == 0 && bs == 1) f32ScalarRow(op, a[ao], b, bo, o, oo, n);
            else f32Strided(op, a, ao, as, b, bo, bs, o, oo, n);
        }
    }

    private static void f32Rows(BinaryOp op, float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        switch (op) {
            case ADD -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k] + b[bo + k]; }
            case SUB -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k] - b[bo + k]; }
            case MUL -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k] * b[bo + k]; }
            case DIV -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k] / b[bo + k]; }
            case MAXIMUM -> { for (int k = 0; k < n; k++) o[oo + k] = Math.max(a[ao + k], b[bo + k]); }
            case MINIMUM -> { for (int k = 0; k < n; k++) o[oo + k] = Math.min(a[ao + k], b[bo + k]); }
            case POW -> { for (int k = 0; k < n; k++) o[oo + k] = (float) Math.pow(a[ao + k], b[bo + k]); }
        }
    }

    private static void f32RowScalar(BinaryOp op, float[] a, int ao, float b, float[] o, int oo, int n) {
        switch (op) {
            case ADD -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k] + b; }
            case SUB -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k] - b; }
            case MUL -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k] * b; }
            case DIV -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k] / b; }
            case MAXIMUM -> { for (int k = 0; k < n; k++) o[oo + k] = Math.max(a[ao + k], b); }
            case MINIMUM -> { for (int k = 0; k < n; k++) o[oo + k] = Math.min(a[ao + k], b); }
            case POW -> { for (int k = 0; k < n; k++) o[oo + k] = (float) Math.pow(a[ao + k], b); }
        }
    }

    private static void f32ScalarRow(BinaryOp op, float a, float[] b, int bo, float[] o, int oo, int n) {
        switch (op) {
            case ADD -> { for (int k = 0; k < n; k++) o[oo + k] = a + b[bo + k]; }
            case SUB -> { for (int k = 0; k < n; k++) o[oo + k] = a - b[bo + k]; }
            case MUL -> { for (int k = 0; k < n; k++) o[oo + k] = a * b[bo + k]; }
            case DIV -> { for (int k = 0; k < n; k++) o[oo + k] = a / b[bo + k]; }
            case MAXIMUM -> { for (int k = 0; k < n; k++) o[oo + k] = Math.max(a, b[bo + k]); }
            case MINIMUM -> { for (int k = 0; k < n; k++) o[oo + k] = Math.min(a, b[bo + k]); }
            case POW -> { for (int k = 0; k < n; k++) o[oo + k] = (float) Math.pow(a, b[bo + k]); }
        }
    }

    private static void f32Strided(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] o, int oo, int n) {
        switch (op) {
            case ADD -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k * as] + b[bo + k * bs]; }
            case SUB -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k * as] - b[bo + k * bs]; }
            case MUL -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k * as] * b[bo + k * bs]; }
            case DIV -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k * as] / b[bo + k * bs]; }
            case MAXIMUM -> { for (int k = 0; k < n; k++) o[oo + k] = Math.max(a[ao + k * as], b[bo + k * bs]); }
            case MINIMUM -> { for (int k = 0; k < n; k++) o[oo + k] = Math.min(a[ao + k * as], b[bo + k * bs]); }
            case POW -> { for (int k = 0; k < n; k++) o[oo + k] = (float) Math.pow(a[ao + k * as], b[bo + k * bs]); }
        }
    }

    /** {@code rows} runs of {@code n}, back to back in o; run r reads a from ao + r * ar and b from bo + r * br. */
    static void f64(BinaryOp op, double[] a, int ao, int as, int ar, double[] b, int bo, int bs, int br, double[] o, int oo, int n, int rows) {
        for (int r = 0; r < rows; r++, ao += ar, bo += br, oo += n) {
            if (as == 1 && bs == 1) f64Rows(op, a, ao, b, bo, o, oo, n);
            else if (as == 1 && bs == 0) f64RowScalar(op, a, ao, b[bo], o, oo, n);
            else if (as == 0 && bs == 1) f64ScalarRow(op, a[ao], b, bo, o, oo, n);
            else f64Strided(op, a, ao, as, b, bo, bs, o, oo, n);
        }
    }

    private static void f64Rows(BinaryOp op, double[] a, int ao, double[] b, int bo, double[] o, int oo, int n) {
        switch (op) {
            case ADD -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k] + b[bo + k]; }
            case SUB -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k] - b[bo + k]; }
            case MUL -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k] * b[bo + k]; }
            case DIV -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k] / b[bo + k]; }
            case MAXIMUM -> { for (int k = 0; k < n; k++) o[oo + k] = Math.max(a[ao + k], b[bo + k]); }
            case MINIMUM -> { for (int k = 0; k < n; k++) o[oo + k] = Math.min(a[ao + k], b[bo + k]); }
            case POW -> { for (int k = 0; k < n; k++) o[oo + k] = Math.pow(a[ao + k], b[bo + k]); }
        }
    }

    private static void f64RowScalar(BinaryOp op, double[] a, int ao, double b, double[] o, int oo, int n) {
        switch (op) {
            case ADD -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k] + b; }
            case SUB -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k] - b; }
            case MUL -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k] * b; }
            case DIV -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k] / b; }
            case MAXIMUM -> { for (int k = 0; k < n; k++) o[oo + k] = Math.max(a[ao + k], b); }
            case MINIMUM -> { for (int k = 0; k < n; k++) o[oo + k] = Math.min(a[ao + k], b); }
            case POW -> { for (int k = 0; k < n; k++) o[oo + k] = Math.pow(a[ao + k], b); }
        }
    }

    private static void f64ScalarRow(BinaryOp op, double a, double[] b, int bo, double[] o, int oo, int n) {
        switch (op) {
            case ADD -> { for (int k = 0; k < n; k++) o[oo + k] = a + b[bo + k]; }
            case SUB -> { for (int k = 0; k < n; k++) o[oo + k] = a - b[bo + k]; }
            case MUL -> { for (int k = 0; k < n; k++) o[oo + k] = a * b[bo + k]; }
            case DIV -> { for (int k = 0; k < n; k++) o[oo + k] = a / b[bo + k]; }
            case MAXIMUM -> { for (int k = 0; k < n; k++) o[oo + k] = Math.max(a, b[bo + k]); }
            case MINIMUM -> { for (int k = 0; k < n; k++) o[oo + k] = Math.min(a, b[bo + k]); }
            case POW -> { for (int k = 0; k < n; k++) o[oo + k] = Math.pow(a, b[bo + k]); }
        }
    }

    private static void f64Strided(BinaryOp op, double[] a, int ao, int as, double[] b, int bo, int bs, double[] o, int oo, int n) {
        switch (op) {
            case ADD -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k * as] + b[bo + k * bs]; }
            case SUB -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k * as] - b[bo + k * bs]; }
            case MUL -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k * as] * b[bo + k * bs]; }
            case DIV -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k * as] / b[bo + k * bs]; }
            case MAXIMUM -> { for (int k = 0; k < n; k++) o[oo + k] = Math.max(a[ao + k * as], b[bo + k * bs]); }
            case MINIMUM -> { for (int k = 0; k < n; k++) o[oo + k] = Math.min(a[ao + k * as], b[bo + k * bs]); }
            case POW -> { for (int k = 0; k < n; k++) o[oo + k] = Math.pow(a[ao + k * as], b[bo + k * bs]); }
        }
    }

    /** Integer division truncates toward zero (the caller rejects zero divisors). */
    static void i32(BinaryOp op, int[] a, int ao, int as, int[] b, int bo, int bs, int[] o, int oo, int n) {
        switch (op) {
            case ADD -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k * as] + b[bo + k * bs]; }
            case SUB -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k * as] - b[bo + k * bs]; }
            case MUL -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k * as] * b[bo + k * bs]; }
            case DIV -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k * as] / b[bo + k * bs]; }
            case MAXIMUM -> { for (int k = 0; k < n; k++) o[oo + k] = Math.max(a[ao + k * as], b[bo + k * bs]); }
            case MINIMUM -> { for (int k = 0; k < n; k++) o[oo + k] = Math.min(a[ao + k * as], b[bo + k * bs]); }
            case POW -> { for (int k = 0; k < n; k++) o[oo + k] = (int) Math.pow(a[ao + k * as], b[bo + k * bs]); }
        }
    }

    static void i64(BinaryOp op, long[] a, int ao, int as, long[] b, int bo, int bs, long[] o, int oo, int n) {
        switch (op) {
            case ADD -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k * as] + b[bo + k * bs]; }
            case SUB -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k * as] - b[bo + k * bs]; }
            case MUL -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k * as] * b[bo + k * bs]; }
            case DIV -> { for (int k = 0; k < n; k++) o[oo + k] = a[ao + k * as] / b[bo + k * bs]; }
            case MAXIMUM -> { for (int k = 0; k < n; k++) o[oo + k] = Math.max(a[ao + k * as], b[bo + k * bs]); }
            case MINIMUM -> { for (int k = 0; k < n; k++) o[oo + k] = Math.min(a[ao + k * as], b[bo + k * bs]); }
            case POW -> { for (int k = 0; k < n; k++) o[oo + k] = (long) Math.pow(a[ao + k * as], b[bo + k * bs]); }
        }
    }
}

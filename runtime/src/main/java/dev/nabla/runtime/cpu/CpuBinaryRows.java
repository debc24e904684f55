package dev.nabla.runtime.cpu;

import dev.nabla.runtime.backend.BinaryOp;

/**
 * Binary ops over one run: o[oo + k] = a[ao + k*as] op b[bo + k*bs] for k in [0, n), with each step 0
 * (broadcast) or 1. One loop per op and dtype so the JIT sees a plain arithmetic loop.
 * MAXIMUM / MINIMUM propagate NaN, as PyTorch does.
 */
final class CpuBinaryRows {
    private CpuBinaryRows() {}

    static void f32(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] o, int oo, int n) {
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

    static void f64(BinaryOp op, double[] a, int ao, int as, double[] b, int bo, int bs, double[] o, int oo, int n) {
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

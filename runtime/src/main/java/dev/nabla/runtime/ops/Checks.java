package dev.nabla.runtime.ops;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.DeviceMismatchException;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;

import java.util.Arrays;

/** Argument checks shared by the op catalogue; every message names the op and what was expected. */
public final class Checks {
    private Checks() {}

    public static void open(String op, Tensor... ts) {
        for (Tensor t : ts) {
            if (t == null) throw new InvalidArgumentException(op + ": a tensor argument is null");
            t.ensureOpen(op);
        }
    }

    public static void sameDevice(String op, Tensor a, Tensor b) {
        if (!a.device().equals(b.device())) {
            throw new DeviceMismatchException(op + ": tensors are on different devices: " + a.shape() + " on "
                    + a.device() + " and " + b.shape() + " on " + b.device());
        }
    }

    public static void sameDType(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new DTypeMismatchException(op + ": dtypes differ: " + a.shape() + " " + a.dtype() + " and "
                    + b.shape() + " " + b.dtype() + "; convert one with to(DType)");
        }
    }

    public static void floating(String op, Tensor t) {
        if (!t.dtype().isFloating()) {
            throw new DTypeMismatchException(op + ": expected FLOAT32 or FLOAT64, got " + t.dtype() + " for shape " + t.shape());
        }
    }

    public static void integer(String op, Tensor t) {
        if (t.dtype() != DType.INT32 && t.dtype() != DType.INT64) {
            throw new DTypeMismatchException(op + ": expected INT32 or INT64 indices, got " + t.dtype() + " for shape " + t.shape());
        }
    }

    public static void rank(String op, Tensor t, int rank, String layout) {
        if (t.rank() != rank) {
            throw new ShapeMismatchException(op + ": expected a " + rank + "-D tensor " + layout + ", got shape " + t.shape());
        }
    }

    public static void positive(String op, String what, int... values) {
        for (int v : values) {
            if (v <= 0) throw new InvalidArgumentException(op + ": " + what + " must be > 0, got " + Arrays.toString(values));
        }
    }

    public static void nonNegative(String op, String what, int... values) {
        for (int v : values) {
            if (v < 0) throw new InvalidArgumentException(op + ": " + what + " must be >= 0, got " + Arrays.toString(values));
        }
    }

    /** Normalised, sorted, distinct axes; null or empty means every axis. */
    public static int[] axes(String op, dev.nabla.runtime.Shape shape, int[] axes) {
        if (axes == null || axes.length == 0) {
            int[] all = new int[shape.rank()];
            for (int i = 0; i < all.length; i++) all[i] = i;
            return all;
        }
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) out[i] = shape.axis(axes[i], op);
        Arrays.sort(out);
        for (int i = 1; i < out.length; i++) {
            if (out[i] == out[i - 1]) {
                throw new ShapeMismatchException(op + ": axis " + out[i] + " appears twice in " + Arrays.toString(axes));
            }
        }
        return out;
    }
}

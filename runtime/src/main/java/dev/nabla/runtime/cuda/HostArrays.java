package dev.nabla.runtime.cuda;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.InvalidArgumentException;
import jcuda.Pointer;

/** Host-side staging for copies: Java arrays converted to a dtype, and JCuda pointers to them. */
final class HostArrays {
    private HostArrays() {}

    /** {@code array} (float[], double[], int[] or long[]) as an array of {@code dtype}'s element type, converting as a cast does. */
    static Object convert(Object array, DType dtype) {
        if (array instanceof float[] a) {
            return switch (dtype) {
                case FLOAT32 -> a;
                case FLOAT64 -> { double[] o = new double[a.length]; for (int i = 0; i < a.length; i++) o[i] = a[i]; yield o; }
                case INT32 -> { int[] o = new int[a.length]; for (int i = 0; i < a.length; i++) o[i] = (int) a[i]; yield o; }
                case INT64 -> { long[] o = new long[a.length]; for (int i = 0; i < a.length; i++) o[i] = (long) a[i]; yield o; }
            };
        }
        if (array instanceof double[] a) {
            return switch (dtype) {
                case FLOAT32 -> { float[] o = new float[a.length]; for (int i = 0; i < a.length; i++) o[i] = (float) a[i]; yield o; }
                case FLOAT64 -> a;
                case INT32 -> { int[] o = new int[a.length]; for (int i = 0; i < a.length; i++) o[i] = (int) a[i]; yield o; }
                case INT64 -> { long[] o = new long[a.length]; for (int i = 0; i < a.length; i++) o[i] = (long) a[i]; yield o; }
            };
        }
        if (array instanceof int[] a) {
            return switch (dtype) {
                case FLOAT32 -> { float[] o = new float[a.length]; for (int i = 0; i < a.length; i++) o[i] = a[i]; yield o; }
                case FLOAT64 -> { double[] o = new double[a.length]; for (int i = 0; i < a.length; i++) o[i] = a[i]; yield o; }
                case INT32 -> a;
                case INT64 -> { long[] o = new long[a.length]; for (int i = 0; i < a.length; i++) o[i] = a[i]; yield o; }
            };
        }
        if (array instanceof long[] a) {
            return switch (dtype) {
                case FLOAT32 -> { float[] o = new float[a.length]; for (int i = 0; i < a.length; i++) o[i] = a[i]; yield o; }
                case FLOAT64 -> { double[] o = new double[a.length]; for (int i = 0; i < a.length; i++) o[i] = a[i]; yield o; }
                case INT32 -> { int[] o = new int[a.length]; for (int i = 0; i < a.length; i++) o[i] = (int) a[i]; yield o; }
                case INT64 -> a;
            };
        }
        throw new InvalidArgumentException("fromArray: expected float[], double[], int[] or long[], got "
                + (array == null ? "null" : array.getClass().getSimpleName()));
    }

    static Object allocate(DType dtype, int n) {
        return switch (dtype) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT32 -> new int[n];
            case INT64 -> new long[n];
        };
    }

    static long length(Object a) { return java.lang.reflect.Array.getLength(a); }

    static double get(Object a, int i) {
        if (a instanceof float[] f) return f[i];
        if (a instanceof double[] d) return d[i];
        if (a instanceof int[] v) return v[i];
        return ((long[]) a)[i];
    }

    static Pointer pointer(Object a) {
        if (a instanceof float[] f) return Pointer.to(f);
        if (a instanceof double[] d) return Pointer.to(d);
        if (a instanceof int[] v) return Pointer.to(v);
        return Pointer.to((long[]) a);
    }
}

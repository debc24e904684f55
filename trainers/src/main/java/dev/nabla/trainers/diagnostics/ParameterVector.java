package dev.nabla.trainers.diagnostics;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * A list of parameter tensors seen as one flat vector of doubles, in list order and row-major within each
 * tensor: the coordinate system of every diagnostic here (Hessians, eigenvectors, landscape directions).
 *
 * <pre>{@code
 * double[] theta = ParameterVector.flatten(params);
 * ParameterVector.assign(params, ParameterVector.axpy(0.1, direction, theta));   // move the model
 * }</pre>
 */
public final class ParameterVector {
    private ParameterVector() {}

    /** The total number of elements of {@code tensors}. */
    public static int size(List<Tensor> tensors) {
        requireNonEmpty("size", tensors);
        long n = 0;
        for (Tensor t : tensors) n += t.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new InvalidArgumentException("ParameterVector.size: " + n + " elements do not fit one Java array");
        }
        return (int) n;
    }

    /** The values of {@code tensors} concatenated into one array. */
    public static double[] flatten(List<Tensor> tensors) {
        double[] out = new double[size(tensors)];
        int off = 0;
        for (Tensor t : tensors) {
            double[] v = t.toDoubleArray();
            System.arraycopy(v, 0, out, off, v.length);
            off += v.length;
        }
        return out;
    }

    /** The values of each tensor of {@code tensors} as its own array (same order). */
    public static List<double[]> split(double[] flat, List<Tensor> like) {
        checkLength("split", flat, like);
        List<double[]> out = new ArrayList<>(like.size());
        int off = 0;
        for (Tensor t : like) {
            int n = (int) t.numel();
            double[] part = new double[n];
            System.arraycopy(flat, off, part, 0, n);
            out.add(part);
            off += n;
        }
        return out;
    }

    /** New tensors shaped, typed and placed like {@code like}, holding {@code flat}; they do not require grad. */
    public static List<Tensor> unflatten(double[] flat, List<Tensor> like) {
        List<double[]> parts = split(flat, like);
        List<Tensor> out = new ArrayList<>(like.size());
        for (int i = 0; i < like.size(); i++) {
            Tensor t = like.get(i);
            out.add(Tensor.of(parts.get(i), t.shape(), t.dtype(), t.device()));
        }
        return out;
    }

    /** Overwrites the values of {@code params} in place with {@code flat} (no autograd record). */
    public static void assign(List<Tensor> params, double[] flat) {
        List<Tensor> values = unflatten(flat, params);
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (int i = 0; i < params.size(); i++) params.get(i).copyFrom(values.get(i));
        } finally {
            values.forEach(Tensor::close);
        }
    }

    /** Overwrites {@code params} with the values of {@code source} (same shapes), e.g. to restore a snapshot. */
    public static void assignFrom(List<Tensor> params, List<Tensor> source) {
        if (params.size() != source.size()) {
            throw new ShapeMismatchException("ParameterVector.assignFrom: " + source.size() + " source tensors for "
                    + params.size() + " parameters");
        }
        assign(params, flatten(source));
    }

    /** a * x + y as a new array. */
    public static double[] axpy(double a, double[] x, double[] y) {
        checkSameLength("axpy", x, y);
        double[] out = new double[y.length];
        for (int i = 0; i < out.length; i++) out[i] = a * x[i] + y[i];
        return out;
    }

    public static double dot(double[] x, double[] y) {
        checkSameLength("dot", x, y);
        double s = 0;
        for (int i = 0; i < x.length; i++) s += x[i] * y[i];
        return s;
    }

    public static double norm(double[] x) { return Math.sqrt(dot(x, x)); }

    static void checkLength(String op, double[] flat, List<Tensor> like) {
        int n = size(like);
        if (flat == null || flat.length != n) {
            throw new ShapeMismatchException("ParameterVector." + op + ": a vector of " + (flat == null ? "null" : flat.length)
                    + " values for parameters of " + n + " elements (" + shapes(like) + ")");
        }
    }

    static void checkSameLength(String op, double[] x, double[] y) {
        if (x.length != y.length) {
            throw new ShapeMismatchException("ParameterVector." + op + ": vectors of " + x.length + " and " + y.length + " values");
        }
    }

    static void requireNonEmpty(String op, List<Tensor> tensors) {
        if (tensors == null || tensors.isEmpty()) {
            throw new InvalidArgumentException(op + ": expected at least one parameter tensor, got "
                    + (tensors == null ? "null" : "an empty list"));
        }
    }

    static String shapes(List<Tensor> tensors) {
        StringBuilder sb = new StringBuilder();
        for (Tensor t : tensors) {
            if (sb.length() > 0) sb.append(", ");
            sb.append(t.shape());
        }
        return sb.toString();
    }
}

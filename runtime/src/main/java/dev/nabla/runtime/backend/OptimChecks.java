package dev.nabla.runtime.backend;

import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.ShapeMismatchException;

/**
 * Argument checks shared by every {@link OptimKernels} implementation, run before anything is written. The
 * messages name the op, the buffer and what was expected.
 */
public final class OptimChecks {
    private OptimChecks() {}

    /** The parameter is FLOAT32 or FLOAT64 and the gradient has its size and dtype. */
    public static void check(String op, Buffer param, Buffer grad) {
        if (param == null) throw new InvalidArgumentException(op + ": param buffer is null");
        if (!param.dtype().isFloating()) {
            throw new DTypeMismatchException(op + ": param is " + param.dtype() + "; expected FLOAT32 or FLOAT64");
        }
        state(op, param, "grad", grad);
    }

    /** A buffer that must be present and match the parameter's size and dtype. */
    public static void state(String op, Buffer param, String name, Buffer buffer) {
        if (buffer == null) throw new InvalidArgumentException(op + ": " + name + " buffer is null");
        if (buffer.dtype() != param.dtype()) {
            throw new DTypeMismatchException(op + ": " + name + " is " + buffer.dtype() + " but param is " + param.dtype()
                    + "; expected the same dtype");
        }
        if (buffer.size() != param.size()) {
            throw new ShapeMismatchException(op + ": " + name + " has " + buffer.size() + " elements but param has "
                    + param.size() + "; expected the same size");
        }
    }

    /** A buffer the options need ({@code needed}, explained by {@code because}) or may leave null. */
    public static void state(String op, Buffer param, String name, Buffer buffer, boolean needed, String because) {
        if (buffer == null) {
            if (needed) throw new InvalidArgumentException(op + ": " + name + " buffer is null but " + because);
            return;
        }
        state(op, param, name, buffer);
    }

    // ---- one call per kernel, so every backend validates each optimiser the same way ----

    public static void sgd(Buffer param, Buffer grad, Buffer momentumBuf, double momentum) {
        check("sgd", param, grad);
        state("sgd", param, "momentum_buffer", momentumBuf, momentum != 0, "momentum is " + momentum);
    }

    public static void adam(String op, Buffer param, Buffer grad, Buffer expAvg, Buffer expAvgSq, Buffer maxExpAvgSq) {
        check(op, param, grad);
        state(op, param, "exp_avg", expAvg);
        state(op, param, "exp_avg_sq", expAvgSq);
        state(op, param, "max_exp_avg_sq", maxExpAvgSq, false, "");
    }

    public static void adagrad(Buffer param, Buffer grad, Buffer sum) {
        check("adagrad", param, grad);
        state("adagrad", param, "sum", sum);
    }

    public static void rmsprop(Buffer param, Buffer grad, Buffer squareAvg, Buffer momentumBuf, Buffer gradAvg,
                               double momentum, boolean centered) {
        check("rmsprop", param, grad);
        state("rmsprop", param, "square_avg", squareAvg);
        state("rmsprop", param, "momentum_buffer", momentumBuf, momentum > 0, "momentum is " + momentum);
        state("rmsprop", param, "grad_avg", gradAvg, centered, "centered is true");
    }
}

package dev.nabla.layers.init;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.random.Generator;

/**
 * In-place initialisers, as {@code torch.nn.init}. Each overwrites the tensor's values (no autograd) with
 * numbers drawn from a {@link Generator}, so a seed gives the same weights on every backend.
 *
 * <pre>{@code
 * Init.kaimingUniform(weight, Math.sqrt(5), FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, gen);
 * }</pre>
 */
public final class Init {
    private Init() {}

    /** Which fan a Kaiming initialiser preserves the variance of. */
    public enum FanMode { FAN_IN, FAN_OUT }

    /** The non-linearity that follows a layer, for {@link #gain}. */
    public enum Nonlinearity { LINEAR, CONV, SIGMOID, TANH, RELU, LEAKY_RELU, SELU }

    /** Fan-in and fan-out of a weight, computed as {@code torch.nn.init._calculate_fan_in_and_fan_out}. */
    public record Fans(long fanIn, long fanOut) {}

    public static Fans fans(Shape shape) {
        if (shape.rank() < 2) {
            throw new ShapeMismatchException("Init.fans: fan in and fan out cannot be computed for a tensor with fewer "
                    + "than 2 dimensions, got " + shape);
        }
        long receptive = shape.numel(2, shape.rank());
        return new Fans(shape.dim(1) * receptive, shape.dim(0) * receptive);
    }

    /**
     * The recommended gain for a non-linearity, as {@code torch.nn.init.calculate_gain}; {@code param} is the
     * negative slope for LEAKY_RELU (NaN means PyTorch's default 0.01) and is ignored otherwise.
     */
    public static double gain(Nonlinearity nonlinearity, double param) {
        return switch (nonlinearity) {
            case LINEAR, CONV, SIGMOID -> 1.0;
            case TANH -> 5.0 / 3;
            case RELU -> Math.sqrt(2.0);
            case LEAKY_RELU -> {
                double slope = Double.isNaN(param) ? 0.01 : param;
                yield Math.sqrt(2.0 / (1 + slope * slope));
            }
            case SELU -> 3.0 / 4;
        };
    }

    public static Tensor zeros(Tensor t) { return constant(t, 0.0); }

    public static Tensor ones(Tensor t) { return constant(t, 1.0); }

    public static Tensor constant(Tensor t, double value) {
        try (Autograd.NoGrad ignored = Autograd.noGrad();
             Tensor v = Tensor.full(t.shape(), value, t.dtype(), t.device())) {
            t.copyFrom(v);
        }
        return t;
    }

    /** U(low, high). */
    public static Tensor uniform(Tensor t, double low, double high, Generator gen) {
        if (!(low <= high)) throw new InvalidArgumentException("Init.uniform: expected low <= high, got [" + low + ", " + high + ")");
        try (Autograd.NoGrad ignored = Autograd.noGrad();
             Tensor v = Tensor.uniform(t.shape(), low, high, t.dtype(), t.device(), gen)) {
            t.copyFrom(v);
        }
        return t;
    }

    /** N(mean, std^2). */
    public static Tensor normal(Tensor t, double mean, double std, Generator gen) {
        if (!(std >= 0)) throw new InvalidArgumentException("Init.normal: std must be >= 0, got " + std);
        try (Autograd.NoGrad ignored = Autograd.noGrad();
             Tensor v = Tensor.normal(t.shape(), mean, std, t.dtype(), t.device(), gen)) {
            t.copyFrom(v);
        }
        return t;
    }

    /** Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)). */
    public static Tensor xavierUniform(Tensor t, double gain, Generator gen) {
        Fans f = fans(t.shape());
        double a = gain * Math.sqrt(6.0 / (f.fanIn() + f.fanOut()));
        return uniform(t, -a, a, gen);
    }

    /** Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)). */
    public static Tensor xavierNormal(Tensor t, double gain, Generator gen) {
        Fans f = fans(t.shape());
        return normal(t, 0, gain * Math.sqrt(2.0 / (f.fanIn() + f.fanOut())), gen);
    }

    /**
     * He uniform: U(-b, b) with b = gain(nonlinearity, a) * sqrt(3 / fan). PyTorch's Linear and Conv default is
     * {@code a = sqrt(5)}, FAN_IN, LEAKY_RELU.
     */
    public static Tensor kaimingUniform(Tensor t, double a, FanMode mode, Nonlinearity nonlinearity, Generator gen) {
        double std = gain(nonlinearity, a) / Math.sqrt(fan(t.shape(), mode));
        double bound = Math.sqrt(3.0) * std;
        return uniform(t, -bound, bound, gen);
    }

    /** He normal: N(0, std^2) with std = gain(nonlinearity, a) / sqrt(fan). */
    public static Tensor kaimingNormal(Tensor t, double a, FanMode mode, Nonlinearity nonlinearity, Generator gen) {
        return normal(t, 0, gain(nonlinearity, a) / Math.sqrt(fan(t.shape(), mode)), gen);
    }

    private static long fan(Shape shape, FanMode mode) {
        Fans f = fans(shape);
        long fan = mode == FanMode.FAN_IN ? f.fanIn() : f.fanOut();
        if (fan == 0) throw new ShapeMismatchException("Init: a tensor of shape " + shape + " has a zero " + mode);
        return fan;
    }

    /** PyTorch's default for Linear and Conv weights: kaiming_uniform(a = sqrt(5)), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
    public static Tensor defaultWeight(Tensor weight, Generator gen) {
        return kaimingUniform(weight, Math.sqrt(5), FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, gen);
    }

    /** PyTorch's default for Linear and Conv biases: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) of the weight. */
    public static Tensor defaultBias(Tensor bias, Shape weightShape, Generator gen) {
        long fanIn = fans(weightShape).fanIn();
        double bound = fanIn > 0 ? 1.0 / Math.sqrt(fanIn) : 0;
        return uniform(bias, -bound, bound, gen);
    }
}

package dev.nabla.trainers.diagnostics;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Supplier;

/**
 * Slices of the loss surface: the loss along the segment between two weight sets (Goodfellow et al.'s
 * linear interpolation), and on a plane through the current weights spanned by two directions, typically
 * {@link FilterNormalizedDirections} (Li et al. 2018). The parameters are moved in place to evaluate the loss
 * (under no-grad) and always restored. {@link LandscapePlots} renders the results to PNG.
 *
 * <pre>{@code
 * LossLandscape.Curve c = LossLandscape.interpolate(params, lossFn, initial, trained, -0.5, 1.5, 41);
 * LossLandscape.Surface s = LossLandscape.randomSlice(params, lossFn, 0L, 1.0, 21);
 * LandscapePlots.plotSurface(s, Path.of("landscape.png"), "loss around the trained weights");
 * }</pre>
 */
public final class LossLandscape {
    private static final Logger LOG = LoggerFactory.getLogger(LossLandscape.class);

    private LossLandscape() {}

    /** losses[i] is the loss at alphas[i]. */
    public record Curve(double[] alphas, double[] losses) {}

    /** losses[iy][ix] is the loss at θ + xs[ix] d1 + ys[iy] d2; d1 and d2 are the directions used. */
    public record Surface(double[] xs, double[] ys, double[][] losses, double[] d1, double[] d2) {}

    /**
     * The loss at (1 - α) from + α to for {@code points} values of α evenly spaced over [a, b]
     * (α = 0 is {@code from}, α = 1 is {@code to}).
     */
    public static Curve interpolate(List<Tensor> params, Supplier<Tensor> loss, List<Tensor> from, List<Tensor> to,
                                    double a, double b, int points) {
        if (from.size() != params.size() || to.size() != params.size()) {
            throw new ShapeMismatchException("LossLandscape.interpolate: " + from.size() + " and " + to.size()
                    + " tensors for " + params.size() + " parameters");
        }
        return interpolate(params, loss, ParameterVector.flatten(from), ParameterVector.flatten(to), a, b, points);
    }

    /** As above with flattened weight sets. */
    public static Curve interpolate(List<Tensor> params, Supplier<Tensor> loss, double[] from, double[] to,
                                    double a, double b, int points) {
        ParameterVector.checkLength("LossLandscape.interpolate", from, params);
        ParameterVector.checkLength("LossLandscape.interpolate", to, params);
        double[] alphas = grid("LossLandscape.interpolate", a, b, points);
        double[] losses = new double[points];
        double[] theta = ParameterVector.flatten(params);
        double[] x = new double[from.length];
        try {
            for (int i = 0; i < points; i++) {
                double al = alphas[i];
                for (int j = 0; j < x.length; j++) x[j] = (1 - al) * from[j] + al * to[j];
                losses[i] = lossAt(params, loss, x);
            }
        } finally {
            ParameterVector.assign(params, theta);
        }
        return new Curve(alphas, losses);
    }

    /** The loss at θ + α d around the current parameters θ, α over [a, b]. */
    public static Curve line(List<Tensor> params, Supplier<Tensor> loss, double[] direction, double a, double b, int points) {
        double[] theta = ParameterVector.flatten(params);
        ParameterVector.checkLength("LossLandscape.line", direction, params);
        double[] alphas = grid("LossLandscape.line", a, b, points);
        double[] losses = new double[points];
        try {
            for (int i = 0; i < points; i++) losses[i] = lossAt(params, loss, ParameterVector.axpy(alphas[i], direction, theta));
        } finally {
            ParameterVector.assign(params, theta);
        }
        return new Curve(alphas, losses);
    }

    /** The loss on the plane θ + x d1 + y d2, x over [xMin, xMax] (nx points), y over [yMin, yMax] (ny points). */
    public static Surface slice(List<Tensor> params, Supplier<Tensor> loss, double[] d1, double[] d2,
                                double xMin, double xMax, int nx, double yMin, double yMax, int ny) {
        ParameterVector.checkLength("LossLandscape.slice", d1, params);
        ParameterVector.checkLength("LossLandscape.slice", d2, params);
        double[] xs = grid("LossLandscape.slice", xMin, xMax, nx);
        double[] ys = grid("LossLandscape.slice", yMin, yMax, ny);
        double[] theta = ParameterVector.flatten(params);
        double[][] losses = new double[ny][nx];
        double[] p = new double[theta.length];
        long t0 = System.nanoTime();
        try {
            for (int iy = 0; iy < ny; iy++) {
                for (int ix = 0; ix < nx; ix++) {
                    for (int j = 0; j < p.length; j++) p[j] = theta[j] + xs[ix] * d1[j] + ys[iy] * d2[j];
                    losses[iy][ix] = lossAt(params, loss, p);
                }
            }
        } finally {
            ParameterVector.assign(params, theta);
        }
        LOG.debug("loss slice {}x{} in {} ms", nx, ny, (System.nanoTime() - t0) / 1_000_000);
        return new Surface(xs, ys, losses, d1.clone(), d2.clone());
    }

    /**
     * A square slice over [-span, span]² (points per side) around the current parameters along two seeded
     * filter-normalised random directions (seeds {@code seed} and {@code seed + 1}, biases ignored).
     */
    public static Surface randomSlice(List<Tensor> params, Supplier<Tensor> loss, long seed, double span, int points) {
        double[] d1 = FilterNormalizedDirections.random(params, seed);
        double[] d2 = FilterNormalizedDirections.random(params, seed + 1);
        return slice(params, loss, d1, d2, -span, span, points, -span, span, points);
    }

    static double[] grid(String op, double a, double b, int points) {
        if (points < 2) throw new InvalidArgumentException(op + ": at least 2 points are needed, got " + points);
        if (!Double.isFinite(a) || !Double.isFinite(b) || !(b > a)) {
            throw new InvalidArgumentException(op + ": expected a finite range a < b, got [" + a + ", " + b + "]");
        }
        double[] g = new double[points];
        for (int i = 0; i < points; i++) g[i] = a + (b - a) * i / (points - 1);
        g[points - 1] = b;
        return g;
    }

    private static double lossAt(List<Tensor> params, Supplier<Tensor> loss, double[] values) {
        ParameterVector.assign(params, values);
        try (Scope ignored = Scope.open(); Autograd.NoGrad ng = Autograd.noGrad()) {
            Tensor l = loss.get();
            if (l == null || l.numel() != 1) {
                throw new ShapeMismatchException("LossLandscape: the loss must be a scalar, got "
                        + (l == null ? "null" : "shape " + l.shape()));
            }
            return l.item();
        }
    }
}

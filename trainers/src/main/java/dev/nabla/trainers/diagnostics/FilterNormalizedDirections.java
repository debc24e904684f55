package dev.nabla.trainers.diagnostics;

import dev.nabla.runtime.Tensor;

import java.util.List;
import java.util.Random;

/**
 * Random directions in parameter space scaled filter by filter to the weights they perturb (Li, Xu, Taylor,
 * Studer and Goldstein, "Visualizing the Loss Landscape of Neural Nets", 2018). A filter is a slice along the
 * first axis: an output row of a linear weight [out, in], an output filter of a convolution [Cout, Cin, kh, kw].
 * Each filter d_i of the Gaussian direction is rescaled to d_i / ‖d_i‖ · ‖w_i‖, so that a step of 1 changes
 * every filter by its own size and plots of networks with different weight scales become comparable.
 * Tensors of rank 0 or 1 (biases, normalisation scales) are set to zero when {@code ignoreBiases}, otherwise
 * to the weights themselves, as in the paper's code.
 */
public final class FilterNormalizedDirections {
    private FilterNormalizedDirections() {}

    /** A seeded filter-normalised Gaussian direction for {@code params}, biases zeroed; flattened like {@link ParameterVector}. */
    public static double[] random(List<Tensor> params, long seed) { return random(params, seed, true); }

    public static double[] random(List<Tensor> params, long seed, boolean ignoreBiases) {
        int n = ParameterVector.size(params);
        Random rnd = new Random(seed);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = rnd.nextGaussian();
        return normalize(d, params, ignoreBiases);
    }

    /** {@code direction} with each filter rescaled to the norm of the matching filter of {@code params} (a new array). */
    public static double[] normalize(double[] direction, List<Tensor> params, boolean ignoreBiases) {
        ParameterVector.checkLength("FilterNormalizedDirections.normalize", direction, params);
        double[] w = ParameterVector.flatten(params);
        double[] out = new double[direction.length];
        int off = 0;
        for (Tensor p : params) {
            int size = (int) p.numel();
            if (p.rank() <= 1) {
                if (!ignoreBiases) System.arraycopy(w, off, out, off, size);
            } else {
                int rows = p.dim(0);
                int cols = rows == 0 ? 0 : size / rows;
                for (int r = 0; r < rows; r++) {
                    int from = off + r * cols;
                    double dn = 0, wn = 0;
                    for (int i = from; i < from + cols; i++) {
                        dn += direction[i] * direction[i];
                        wn += w[i] * w[i];
                    }
                    double scale = dn > 0 ? Math.sqrt(wn / dn) : 0;
                    for (int i = from; i < from + cols; i++) out[i] = direction[i] * scale;
                }
            }
            off += size;
        }
        return out;
    }
}

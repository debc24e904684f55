package dev.nabla.layers.attention;

import dev.nabla.layers.Dropout;
import dev.nabla.layers.Module;
import dev.nabla.layers.Parameter;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;

/**
 * Adds the sinusoidal position table of "Attention is all you need" to x [b, t, d], then dropout:
 * pe[pos, 2i] = sin(pos / 10000^(2i/d)), pe[pos, 2i+1] = cos(pos / 10000^(2i/d)). The table is a non-persistent
 * buffer (moved with the module, not saved).
 */
public class PositionalEncoding extends Module {
    private final int dModel;
    private final int maxLen;
    private final Parameter pe;
    private final Dropout dropout;

    public PositionalEncoding(int dModel) { this(dModel, 5000, 0.1); }

    public PositionalEncoding(int dModel, int maxLen, double dropout) {
        requirePositive("dModel", dModel);
        requirePositive("maxLen", maxLen);
        this.dModel = dModel;
        this.maxLen = maxLen;
        this.pe = registerBuffer("pe", Tensor.of(table(maxLen, dModel), Shape.of(maxLen, dModel), DType.FLOAT32,
                Tensor.defaultDevice()), false);
        this.dropout = registerModule("dropout", new Dropout(dropout));
    }

    /** The table as PyTorch's tutorial computes it: div_term = exp(2i * -ln(10000) / d). */
    static double[] table(int maxLen, int d) {
        double[] v = new double[maxLen * d];
        for (int pos = 0; pos < maxLen; pos++) {
            for (int i = 0; 2 * i < d; i++) {
                double div = Math.exp(2 * i * (-Math.log(10000.0) / d));
                v[pos * d + 2 * i] = Math.sin(pos * div);
                if (2 * i + 1 < d) v[pos * d + 2 * i + 1] = Math.cos(pos * div);
            }
        }
        return v;
    }

    /** The first {@code t} rows of the table [t, d]. */
    public Tensor table(int t) { return pe.data().narrow(0, 0, t); }

    @Override public Tensor forward(Tensor x) {
        if (x.rank() != 3 || x.dim(2) != dModel || x.dim(1) > maxLen) {
            throw new ShapeMismatchException("PositionalEncoding: expected input [b, t <= " + maxLen + ", " + dModel + "], got " + x.shape());
        }
        return dropout.call(x.add(pe.data().narrow(0, 0, x.dim(1))));
    }

    @Override protected String extraRepr() { return "dModel=" + dModel + ", maxLen=" + maxLen; }
}

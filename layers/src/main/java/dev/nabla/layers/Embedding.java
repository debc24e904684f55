package dev.nabla.layers;

import dev.nabla.layers.init.Init;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.random.Generator;

/**
 * A lookup table: integer ids of any shape -> their rows of weight [numEmbeddings, dim], result
 * ids.shape + [dim]. Initialised N(0, 1) as PyTorch's {@code nn.Embedding}.
 */
public class Embedding extends Module {
    private final int numEmbeddings;
    private final int embeddingDim;
    private final Parameter weight;

    public Embedding(int numEmbeddings, int embeddingDim) {
        requirePositive("numEmbeddings", numEmbeddings);
        requirePositive("embeddingDim", embeddingDim);
        this.numEmbeddings = numEmbeddings;
        this.embeddingDim = embeddingDim;
        this.weight = registerParameter("weight", newTensor(numEmbeddings, embeddingDim));
        resetParameters(Generator.global());
    }

    @Override public void resetParameters(Generator gen) { Init.normal(weight.data(), 0, 1, gen); }

    public Tensor weight() { return weight.data(); }

    public int numEmbeddings() { return numEmbeddings; }

    public int embeddingDim() { return embeddingDim; }

    @Override public Tensor forward(Tensor ids) {
        if (ids.dtype().isFloating()) {
            throw new DTypeMismatchException("Embedding: expected integer ids (INT32 or INT64), got " + ids.dtype()
                    + " of shape " + ids.shape());
        }
        return F.embedding(weight.data(), ids);
    }

    @Override protected String extraRepr() { return numEmbeddings + ", " + embeddingDim; }
}

package dev.nabla.trainers.data;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;

import java.util.SplittableRandom;

/** A view of some of a dataset's examples, by index. */
public final class Subset implements Dataset {
    private final Dataset base;
    private final int[] indices;

    public Subset(Dataset base, int[] indices) {
        for (int i : indices) {
            if (i < 0 || i >= base.size()) throw new InvalidArgumentException("Subset: index " + i + " outside [0, " + base.size() + ")");
        }
        this.base = base;
        this.indices = indices.clone();
    }

    /** The first {@code n} examples (all when n >= size). */
    public static Dataset limit(Dataset base, int n) {
        if (n >= base.size()) return base;
        int[] idx = new int[Math.max(0, n)];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        return new Subset(base, idx);
    }

    /**
     * A seeded random split: the first result holds {@code 1 - validationFraction} of the examples,
     * the second the rest.
     */
    public static Dataset[] split(Dataset base, double validationFraction, long seed) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new InvalidArgumentException("split: validation fraction must be in (0, 1), got " + validationFraction);
        }
        int[] perm = permutation(base.size(), new SplittableRandom(seed));
        int nVal = (int) Math.round(base.size() * validationFraction);
        int[] train = java.util.Arrays.copyOfRange(perm, 0, base.size() - nVal);
        int[] val = java.util.Arrays.copyOfRange(perm, base.size() - nVal, base.size());
        return new Dataset[]{new Subset(base, train), new Subset(base, val)};
    }

    static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i]; p[i] = p[j]; p[j] = t;
        }
        return p;
    }

    @Override public int size() { return indices.length; }

    @Override public Shape inputShape() { return base.inputShape(); }

    @Override public Shape targetShape() { return base.targetShape(); }

    @Override public DType targetDType() { return base.targetDType(); }

    @Override public void read(int index, float[] input, int inputOffset, float[] target, int targetOffset) {
        base.read(indices[index], input, inputOffset, target, targetOffset);
    }
}

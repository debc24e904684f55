package dev.nabla.trainers.data;

import java.util.SplittableRandom;

/**
 * A per-example change to an input, applied by the {@link DataLoader} in place. Random transforms draw
 * from the generator they are given, which the loader seeds from (seed, epoch, example), so a resumed run
 * sees the same augmentations.
 */
@FunctionalInterface
public interface Transform {
    void apply(float[] input, int offset, SplittableRandom random);
}

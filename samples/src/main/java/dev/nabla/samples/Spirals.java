package dev.nabla.samples;

import dev.nabla.runtime.Shape;
import dev.nabla.trainers.data.ArrayDataset;

import java.util.Random;

/**
 * The interleaved-spirals toy problem (points in the plane, one arm per class): not linearly separable, small,
 * and quick on a CPU, so optimisers and architectures can be compared in seconds.
 */
final class Spirals {
    private Spirals() {}

    /** {@code perClass} points on each of {@code classes} arms, with Gaussian angle noise, from {@code seed}. */
    static ArrayDataset make(int perClass, int classes, long seed) {
        Random rnd = new Random(seed);
        int n = perClass * classes;
        float[] xy = new float[2 * n];
        int[] labels = new int[n];
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < perClass; i++) {
                int k = c * perClass + i;
                double r = (double) i / perClass;
                double t = c * 4.0 + 4.0 * r + 0.2 * rnd.nextGaussian();
                xy[2 * k] = (float) (r * Math.sin(t));
                xy[2 * k + 1] = (float) (r * Math.cos(t));
                labels[k] = c;
            }
        }
        return ArrayDataset.classification(xy, Shape.of(2), labels);
    }
}

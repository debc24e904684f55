package dev.nabla.trainers;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.random.Generator;
import dev.nabla.trainers.data.ArrayDataset;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Small seeded models and data sets for trainer tests, written directly with tensors. */
final class TestModels {
    private TestModels() {}

    /**
     * A 2-layer MLP {@code 2 -> hidden -> 2} with tanh; in training mode it adds N(0, noise) to the hidden layer
     * drawn from {@link Generator#global()}, so a resumed run is only identical if the RNG state is restored.
     */
    static final class Mlp implements Model {
        final Tensor w1, b1, w2, b2;
        final double noise;
        boolean training = true;

        Mlp(int hidden, long seed, double noise) {
            this.noise = noise;
            Generator g = new Generator(seed);
            w1 = Tensor.normal(Shape.of(2, hidden), 0, 1.0, DType.FLOAT32, Device.CPU, g).requiresGrad(true);
            b1 = Tensor.zeros(Shape.of(hidden), DType.FLOAT32, Device.CPU).requiresGrad(true);
            w2 = Tensor.normal(Shape.of(hidden, 2), 0, 1.0 / Math.sqrt(hidden), DType.FLOAT32, Device.CPU, g).requiresGrad(true);
            b2 = Tensor.zeros(Shape.of(2), DType.FLOAT32, Device.CPU).requiresGrad(true);
        }

        @Override public Tensor forward(Tensor x) {
            Tensor h = x.matmul(w1).add(b1).tanh();
            if (training && noise > 0) h = h.add(Tensor.normal(h.shape(), 0, noise, h.dtype(), h.device(), Generator.global()));
            return h.matmul(w2).add(b2);
        }

        @Override public List<Tensor> parameters() { return List.of(w1, b1, w2, b2); }

        @Override public Map<String, Tensor> stateDict() {
            Map<String, Tensor> m = new LinkedHashMap<>();
            m.put("fc1.weight", w1);
            m.put("fc1.bias", b1);
            m.put("fc2.weight", w2);
            m.put("fc2.bias", b2);
            return m;
        }

        @Override public void train(boolean on) { training = on; }
    }

    /** y = w * x with one weight, for tests of the loop's mechanics (elementwise ops only). */
    static Model scalarLinear(double w0) {
        Tensor w = Tensor.full(Shape.of(1), w0, DType.FLOAT32, Device.CPU).requiresGrad(true);
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("w", w);
        return Model.of(x -> x.mul(w), params);
    }

    static Tensor mse(Tensor out, Tensor target) {
        Tensor d = out.sub(target);
        return d.mul(d).mean();
    }

    /** n points x ~ U(-1, 1) with target slope * x, shapes [1] and [1]. */
    static ArrayDataset line(int n, double slope, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n], y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
            y[i] = (float) (slope * x[i]);
        }
        return new ArrayDataset(x, Shape.of(1), y, Shape.of(1), DType.FLOAT32);
    }

    /** Two interleaved spirals (one turn each), {@code n} points per class, Gaussian noise {@code sigma}. */
    static ArrayDataset spirals(int n, double sigma, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[4 * n];
        int[] labels = new int[2 * n];
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < n; i++) {
                double t = 0.15 + 0.85 * r.nextDouble();
                double a = t * 2 * Math.PI + c * Math.PI;
                int k = c * n + i;
                x[2 * k] = (float) (t * Math.cos(a) + sigma * gaussian(r));
                x[2 * k + 1] = (float) (t * Math.sin(a) + sigma * gaussian(r));
                labels[k] = c;
            }
        }
        return ArrayDataset.classification(x, Shape.of(2), labels);
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}

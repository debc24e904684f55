package dev.nabla.layers;

import dev.nabla.layers.norm.BatchNorm1d;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.TestTensors;
import dev.nabla.runtime.random.Generator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What changes between training and evaluation mode: dropout masks and batch-norm statistics. */
class TrainEvalTest {
    @Test void dropoutZeroesAndRescalesInTraining() {
        Dropout d = new Dropout(0.5, new Generator(7));
        double[] y = d.call(Tensor.ones(Shape.of(1000), DType.FLOAT64)).toDoubleArray();
        int zeros = 0;
        for (double v : y) {
            assertTrue(v == 0 || v == 2, "value " + v);
            if (v == 0) zeros++;
        }
        assertTrue(zeros > 400 && zeros < 600, "zeros " + zeros);
    }

    @Test void dropoutIsTheIdentityInEvaluation() {
        Dropout d = new Dropout(0.5);
        d.eval();
        Tensor x = TestTensors.randomDouble(1, 4, 5);
        assertArrayEquals(x.toDoubleArray(), d.call(x).toDoubleArray());
    }

    @Test void dropoutWithTheSameSeedGivesTheSameMask() {
        Tensor x = Tensor.ones(Shape.of(64), DType.FLOAT64);
        assertArrayEquals(new Dropout(0.3, new Generator(11)).call(x).toDoubleArray(),
                new Dropout(0.3, new Generator(11)).call(x).toDoubleArray());
    }

    @Test void batchNormTrainingNormalisesWithBatchStatistics() {
        BatchNorm1d bn = new BatchNorm1d(1);
        bn.to(DType.FLOAT64);
        double[] y = bn.call(Tensor.of(new double[]{1, 2, 3, 4}, 4, 1)).toDoubleArray();
        double mean = 0;
        for (double v : y) mean += v / 4;
        assertEquals(0, mean, 1e-12);
        // biased batch variance 1.25: (1 - 2.5) / sqrt(1.25 + eps)
        assertEquals(-1.5 / Math.sqrt(1.25 + 1e-5), y[0], 1e-9);
    }

    @Test void batchNormTrainingUpdatesRunningStatsWithMomentumAndUnbiasedVariance() {
        BatchNorm1d bn = new BatchNorm1d(1);
        bn.to(DType.FLOAT64);
        bn.call(Tensor.of(new double[]{1, 2, 3, 4}, 4, 1));
        assertEquals(0.1 * 2.5, bn.runningMean().toDoubleArray()[0], 1e-12);
        assertEquals(0.9 + 0.1 * (5.0 / 3), bn.runningVar().toDoubleArray()[0], 1e-12);
        assertEquals(1, (long) bn.namedBuffers().get("num_batches_tracked").item());
    }

    @Test void batchNormEvaluationUsesRunningStatsAndLeavesThemAlone() {
        BatchNorm1d bn = new BatchNorm1d(1);
        bn.to(DType.FLOAT64);
        bn.eval();
        double[] y = bn.call(Tensor.of(new double[]{1, 2, 3, 4}, 4, 1)).toDoubleArray();
        // running mean 0, var 1: y = x / sqrt(1 + eps)
        assertEquals(4 / Math.sqrt(1 + 1e-5), y[3], 1e-12);
        assertArrayEquals(new double[]{0}, bn.runningMean().toDoubleArray());
        assertEquals(0, (long) bn.namedBuffers().get("num_batches_tracked").item());
    }

    @Test void batchNormOutputsDifferBetweenModes() {
        BatchNorm1d bn = new BatchNorm1d(3);
        Tensor x = TestTensors.random(2, DType.FLOAT32, Device.CPU, 8, 3);
        float[] train = bn.call(x).toFloatArray();
        bn.eval();
        float[] eval = bn.call(x).toFloatArray();
        assertTrue(!java.util.Arrays.equals(train, eval));
    }
}

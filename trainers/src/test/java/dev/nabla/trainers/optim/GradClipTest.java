package dev.nabla.trainers.optim;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class GradClipTest {
    static Tensor withGrad(double... g) {
        Tensor p = Tensor.zeros(Shape.of(g.length), DType.FLOAT64, Device.CPU).requiresGrad(true);
        p.setGrad(Tensor.of(g, Shape.of(g.length), DType.FLOAT64, Device.CPU));
        return p;
    }

    @Test void byNormScalesAllGradientsToTheMaximumGlobalNorm() {
        Tensor a = withGrad(3, 0), b = withGrad(0, 4);  // global norm 5
        double total = GradClip.byNorm(List.of(a, b), 1.0);
        assertEquals(5.0, total, 1e-12);
        double c = 1.0 / (5.0 + 1e-6);
        assertArrayEquals(new double[]{3 * c, 0}, a.grad().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[]{0, 4 * c}, b.grad().toDoubleArray(), 1e-12);
    }

    @Test void byNormLeavesSmallGradientsUnchanged() {
        Tensor a = withGrad(0.3, -0.4);
        assertEquals(0.5, GradClip.byNorm(List.of(a), 1.0), 1e-12);
        assertArrayEquals(new double[]{0.3, -0.4}, a.grad().toDoubleArray());
    }

    @Test void byInfinityNormUsesTheLargestMagnitude() {
        Tensor a = withGrad(1, -6), b = withGrad(2);
        assertEquals(6.0, GradClip.byNorm(List.of(a, b), 3.0, Double.POSITIVE_INFINITY), 1e-12);
        assertEquals(-6 * 3 / (6 + 1e-6), a.grad().toDoubleArray()[1], 1e-12);
    }

    @Test void byNormSkipsParametersWithoutGradient() {
        Tensor none = Tensor.zeros(Shape.of(2), DType.FLOAT64, Device.CPU).requiresGrad(true);
        assertEquals(0.0, GradClip.byNorm(List.of(none), 1.0));
    }

    @Test void byValueClampsEachElement() {
        Tensor a = withGrad(-3, 0.5, 2);
        GradClip.byValue(List.of(a), 1.0);
        assertArrayEquals(new double[]{-1, 0.5, 1}, a.grad().toDoubleArray());
    }

    @Test void nonPositiveLimitsAreRejected() {
        Tensor a = withGrad(1);
        assertThrows(dev.nabla.runtime.InvalidArgumentException.class, () -> GradClip.byNorm(List.of(a), 0));
        assertThrows(dev.nabla.runtime.InvalidArgumentException.class, () -> GradClip.byValue(List.of(a), -1));
    }
}

package dev.nabla.trainers.diagnostics;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParameterVectorTest {
    private static Tensor t(double[] v, DType dtype, int... dims) {
        return Tensor.of(v, Shape.of(dims), dtype, Device.CPU);
    }

    @Test
    void flattenConcatenatesInListOrder() {
        List<Tensor> ps = List.of(t(new double[]{1, 2, 3, 4, 5, 6}, DType.FLOAT64, 2, 3), t(new double[]{7}, DType.FLOAT64, 1));
        assertEquals(7, ParameterVector.size(ps));
        assertArrayEquals(new double[]{1, 2, 3, 4, 5, 6, 7}, ParameterVector.flatten(ps));
    }

    @Test
    void unflattenRestoresShapesAndDtypes() {
        List<Tensor> like = List.of(t(new double[6], DType.FLOAT32, 3, 2), t(new double[2], DType.FLOAT64, 2));
        List<Tensor> out = ParameterVector.unflatten(new double[]{1, 2, 3, 4, 5, 6, 7, 8}, like);
        assertEquals(Shape.of(3, 2), out.get(0).shape());
        assertEquals(DType.FLOAT32, out.get(0).dtype());
        assertArrayEquals(new double[]{7, 8}, out.get(1).toDoubleArray());
        assertFalse(out.get(1).requiresGrad());
    }

    @Test
    void assignOverwritesParametersInPlace() {
        Tensor w = t(new double[4], DType.FLOAT64, 2, 2).requiresGrad(true);
        ParameterVector.assign(List.of(w), new double[]{1, -1, 2, -2});
        assertArrayEquals(new double[]{1, -1, 2, -2}, w.toDoubleArray());
        assertTrue(w.requiresGrad() && w.isLeaf());
    }

    @Test
    void vectorOfWrongLengthIsRejectedWithShapes() {
        List<Tensor> ps = List.of(t(new double[6], DType.FLOAT64, 2, 3));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> ParameterVector.assign(ps, new double[5]));
        assertTrue(e.getMessage().contains("5 values") && e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test
    void emptyParameterListIsRejected() {
        assertThrows(InvalidArgumentException.class, () -> ParameterVector.flatten(List.of()));
    }
}

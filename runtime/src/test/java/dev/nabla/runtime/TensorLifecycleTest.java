package dev.nabla.runtime;

import dev.nabla.runtime.backend.MemoryStats;
import dev.nabla.runtime.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class TensorLifecycleTest {
    @Test void useAfterCloseThrowsNamingTheOp() {
        Tensor t = Tensor.zeros(Shape.of(2, 2), DType.FLOAT32, Device.CPU);
        t.close();
        var e = assertThrows(TensorClosedException.class, t::item);
        assertTrue(e.getMessage().contains("item") && e.getMessage().contains("[2, 2]"), e.getMessage());
        assertTrue(t.isClosed());
    }

    @Test void closeIsIdempotent() {
        Tensor t = Tensor.zeros(Shape.of(3), DType.FLOAT32, Device.CPU);
        t.close();
        assertDoesNotThrow(t::close);
    }

    @Test void scopeClosesEverythingButKeptTensors() {
        Tensor kept;
        Tensor dropped;
        try (Scope s = Scope.open()) {
            dropped = Tensor.ones(Shape.of(4), DType.FLOAT32, Device.CPU);
            kept = s.keep(Tensor.ones(Shape.of(4), DType.FLOAT32, Device.CPU));
            assertEquals(1, s.size());
        }
        assertTrue(dropped.isClosed());
        assertFalse(kept.isClosed());
        kept.close();
    }

    @Test void keptTensorsMoveToTheEnclosingScope() {
        Tensor inner;
        try (Scope outer = Scope.open()) {
            try (Scope s = Scope.open()) {
                inner = s.keep(Tensor.ones(Shape.of(2), DType.FLOAT32, Device.CPU));
            }
            assertFalse(inner.isClosed());
            assertEquals(1, outer.size());
        }
        assertTrue(inner.isClosed());
    }

    @Test void memoryReturnsToBaselineAfterAScope() {
        TestTensors.settledAllocated(CpuBackend.instance()); // earlier tests' dropped tensors released first
        MemoryStats before = CpuBackend.instance().memoryStats();
        try (Scope s = Scope.open()) {
            for (int i = 0; i < 10; i++) Tensor.zeros(Shape.of(1000), DType.FLOAT32, Device.CPU);
            assertEquals(before.allocated() + 10 * 4000, CpuBackend.instance().memoryStats().allocated());
        }
        assertEquals(before.allocated(), CpuBackend.instance().memoryStats().allocated());
        assertTrue(CpuBackend.instance().memoryStats().peak() >= before.allocated() + 40_000);
    }

    @Test void viewsShareTheBufferUntilTheLastIsClosed() {
        long base = TestTensors.settledAllocated(CpuBackend.instance());
        Tensor t = Tensor.zeros(Shape.of(6), DType.FLOAT32, Device.CPU);
        Tensor v = t.viewAs(Shape.of(2, 3));
        t.close();
        assertEquals(base + 24, CpuBackend.instance().memoryStats().allocated());
        v.close();
        assertEquals(base, CpuBackend.instance().memoryStats().allocated());
    }

    @Test void aCollectedUnclosedTensorIsReportedAndFreed() throws InterruptedException {
        long leakedBefore = LeakReporter.leakedCount();
        long base = CpuBackend.instance().memoryStats().allocated();
        createAndDrop();
        for (int i = 0; i < 50 && LeakReporter.leakedCount() == leakedBefore; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(LeakReporter.leakedCount() > leakedBefore, "the cleaner should report the unclosed tensor");
        assertTrue(CpuBackend.instance().memoryStats().allocated() <= base);
    }

    private static void createAndDrop() { Tensor.zeros(Shape.of(1024), DType.FLOAT32, Device.CPU); }

    @Test void allocationSiteIsTheCaller() {
        assertTrue(LeakReporter.allocationSite().contains("TensorLifecycleTest"), LeakReporter.allocationSite());
    }

    @Test void factoriesRoundTripJavaArrays() {
        assertArrayEquals(new float[]{1, 2, 3, 4}, Tensor.of(new float[]{1, 2, 3, 4}, 2, 2).toFloatArray());
        assertArrayEquals(new long[]{5, 6}, Tensor.of(new long[]{5, 6}, 2).toLongArray());
        assertArrayEquals(new double[]{0, 2, 4}, Tensor.arange(0, 5, 2, DType.FLOAT64, Device.CPU).toDoubleArray());
        assertEquals(7.0, Tensor.full(Shape.scalar(), 7, DType.INT32, Device.CPU).item());
    }

    @Test void ofRejectsAWrongNumberOfValues() {
        var e = assertThrows(ShapeMismatchException.class, () -> Tensor.of(new float[]{1, 2, 3}, 2, 2));
        assertTrue(e.getMessage().contains("[2, 2]"), e.getMessage());
    }

    @Test void itemRejectsMoreThanOneElement() {
        assertThrows(ShapeMismatchException.class, () -> Tensor.zeros(2, 2).item());
    }

    @Test void intTensorsCannotRequireGrad() {
        assertThrows(DTypeMismatchException.class, () -> Tensor.of(new int[]{1}, 1).requiresGrad(true));
    }

    @Test void toStringShowsShapeDtypeDeviceAndValues() {
        String s = Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3).toString();
        assertTrue(s.contains("shape=[2, 3]") && s.contains("FLOAT32") && s.contains("cpu") && s.contains("6.0000"), s);
        String big = Tensor.zeros(Shape.of(100), DType.INT64, Device.CPU).toString();
        assertTrue(big.contains("..."), big);
    }

    @Test void arangeRejectsAZeroStep() {
        assertThrows(InvalidArgumentException.class, () -> Tensor.arange(0, 1, 0, DType.FLOAT32, Device.CPU));
    }

    @Test void sitesAreRecordedWhileDebuggingAndTheClosedMessageSaysHowToGetOne() {
        boolean ea = false;
        assert ea = true;
        if (System.getProperty("nabla.allocationSites") == null) {
            assertTrue(LeakReporter.recordsSite(Device.CPU) == (ea || "all".equals(System.getProperty("nabla.leakWarnings"))
                    || org.slf4j.LoggerFactory.getLogger(LeakReporter.class).isDebugEnabled()));
        }
        assertTrue(LeakReporter.describeSite(null).contains("-Dnabla.allocationSites=all"));
        assertTrue(LeakReporter.describeSite("A.b(A.java:1)").contains("allocated at A.b(A.java:1)"));
    }
}

package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuBufferPoolTest {
    private static final int N = CpuBufferPool.MIN_ELEMENTS;

    @Test
    void aReleasedBufferIsTakenBackOnlyForItsDtypeAndLength() {
        CpuBufferPool pool = new CpuBufferPool(1 << 20);
        CpuBuffer b = CpuBuffer.allocate(DType.FLOAT32, N);
        b.f[7] = 3f;
        pool.offer(b);
        assertEquals(4L * N, pool.bytes());
        assertNull(pool.take(DType.FLOAT32, N + 1), "another length");
        assertNull(pool.take(DType.INT32, N), "another dtype of the same byte size");
        CpuBuffer again = pool.take(DType.FLOAT32, N);
        assertSame(b, again);
        assertEquals(3f, again.f[7], "take leaves the old contents (alloc is what zeroes)");
        assertEquals(0, pool.bytes());
        assertNull(pool.take(DType.FLOAT32, N), "a buffer is handed out once");
    }

    @Test
    void smallBuffersAndAZeroCapacityAreNotKept() {
        CpuBufferPool pool = new CpuBufferPool(1 << 20);
        pool.offer(CpuBuffer.allocate(DType.FLOAT32, N - 1));
        assertEquals(0, pool.bytes());
        CpuBufferPool off = new CpuBufferPool(0);
        off.offer(CpuBuffer.allocate(DType.FLOAT32, N));
        assertEquals(0, off.bytes());
        assertNull(off.take(DType.FLOAT32, N));
    }

    @Test
    void offeringTheSameBufferTwiceKeepsItOnce() {
        CpuBufferPool pool = new CpuBufferPool(1 << 20);
        CpuBuffer b = CpuBuffer.allocate(DType.FLOAT64, N);
        pool.offer(b);
        pool.offer(b);
        assertEquals(8L * N, pool.bytes());
        assertSame(b, pool.take(DType.FLOAT64, N));
        assertNull(pool.take(DType.FLOAT64, N));
    }

    @Test
    void anOfferPastTheCapacityEmptiesThePoolFirst() {
        CpuBufferPool pool = new CpuBufferPool(4L * N * 2);
        CpuBuffer a = CpuBuffer.allocate(DType.FLOAT32, N), b = CpuBuffer.allocate(DType.FLOAT32, N + 1);
        CpuBuffer c = CpuBuffer.allocate(DType.FLOAT32, N + 2);
        pool.offer(a);
        pool.offer(b);
        pool.offer(c);
        assertTrue(pool.bytes() <= 4L * N * 2, "held " + pool.bytes());
        assertNull(pool.take(DType.FLOAT32, N));
        assertSame(c, pool.take(DType.FLOAT32, N + 2));
        pool.offer(a);
        pool.clear();
        assertEquals(0, pool.bytes());
        assertNull(pool.take(DType.FLOAT32, N));
    }

    @Test
    void theBackendZeroesAReusedBufferAndCountsTheCacheAsReserved() {
        CpuBackend be = CpuBackend.instance();
        dev.nabla.runtime.TestTensors.settledAllocated(be); // earlier tests' dropped tensors released, then the cache emptied
        be.emptyCache();
        long before = be.memoryStats().allocated();
        float[] first;
        try (Scope s = Scope.open()) {
            Tensor t = Tensor.full(Shape.of(N), 5.0, DType.FLOAT32, dev.nabla.runtime.Device.CPU);
            first = ((CpuBuffer) bufferOf(t)).f;
        }
        assertEquals(before, be.memoryStats().allocated());
        assertTrue(be.memoryStats().reserved() >= before + 4L * N, be.memoryStats().toString());
        try (Scope s = Scope.open()) {
            Tensor z = Tensor.zeros(Shape.of(N), DType.FLOAT32);
            CpuBuffer zb = (CpuBuffer) bufferOf(z);
            assertSame(first, zb.f, "the released array is reused");
            assertArrayEquals(new float[N], zb.f, "and zeroed for alloc");
        }
        be.emptyCache();
        assertEquals(be.memoryStats().allocated(), be.memoryStats().reserved());
        try (Scope s = Scope.open()) {
            assertNotSame(first, ((CpuBuffer) bufferOf(Tensor.zeros(Shape.of(N), DType.FLOAT32))).f);
        }
    }

    @Test
    void underTheSuitesPoisonUninitialisedBuffersAreNaN() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("nabla.cpu.poison"), "run without -Dnabla.cpu.poison");
        CpuBuffer f = CpuBackend.allocUninitialized(DType.FLOAT32, 5), i = CpuBackend.allocUninitialized(DType.INT64, 3);
        try {
            for (float v : f.f) assertTrue(Float.isNaN(v));
            for (long v : i.l) assertTrue(v < -(1L << 62));
        } finally {
            CpuBackend.instance().release(f);
            CpuBackend.instance().release(i);
        }
    }

    private static dev.nabla.runtime.backend.Buffer bufferOf(Tensor t) {
        return t.buffer();
    }
}

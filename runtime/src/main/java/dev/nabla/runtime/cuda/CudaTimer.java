package dev.nabla.runtime.cuda;

import jcuda.driver.CUevent;
import jcuda.driver.JCudaDriver;

import static dev.nabla.runtime.cuda.CudaErrors.check;

/**
 * Times work on the backend's stream with a pair of CUDA events: {@code start()}, queue work,
 * {@code stopMillis()} (which waits for the stop event). Host clocks would time the launch, not the kernel.
 *
 * <pre>{@code
 * try (CudaTimer t = cuda.timer()) { t.start(); model.forward(x); float ms = t.stopMillis(); }
 * }</pre>
 */
public final class CudaTimer implements AutoCloseable {
    private final CudaContext ctx;
    private final CUevent start = new CUevent(), stop = new CUevent();

    CudaTimer(CudaContext ctx) {
        this.ctx = ctx;
        ctx.makeCurrent();
        check(JCudaDriver.cuEventCreate(start, 0), "cuEventCreate");
        check(JCudaDriver.cuEventCreate(stop, 0), "cuEventCreate");
    }

    public void start() {
        ctx.makeCurrent();
        check(JCudaDriver.cuEventRecord(start, ctx.stream), "cuEventRecord");
    }

    /** Milliseconds of stream time since {@link #start()}. */
    public float stopMillis() {
        ctx.makeCurrent();
        check(JCudaDriver.cuEventRecord(stop, ctx.stream), "cuEventRecord");
        check(JCudaDriver.cuEventSynchronize(stop), "cuEventSynchronize");
        float[] ms = {0};
        check(JCudaDriver.cuEventElapsedTime(ms, start, stop), "cuEventElapsedTime");
        return ms[0];
    }

    @Override public void close() {
        ctx.makeCurrent();
        JCudaDriver.cuEventDestroy(start);
        JCudaDriver.cuEventDestroy(stop);
    }
}

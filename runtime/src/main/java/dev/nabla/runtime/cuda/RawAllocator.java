package dev.nabla.runtime.cuda;

/**
 * The system allocator under {@link CudaAllocator}: hands out and takes back blocks of device memory.
 * The driver implementation wraps {@code cuMemAlloc}/{@code cuMemFree}; tests use a fake, so the caching
 * policy is checked on machines without a GPU.
 *
 * @param <H> the handle of one block (a {@code CUdeviceptr} on the GPU)
 */
public interface RawAllocator<H> {
    /** A new block of exactly {@code bytes}, or null when the device is out of memory. */
    H allocate(long bytes);

    /** Returns a block obtained from {@link #allocate}. */
    void free(H handle);
}

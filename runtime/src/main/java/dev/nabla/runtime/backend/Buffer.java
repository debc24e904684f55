package dev.nabla.runtime.backend;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;

/**
 * A contiguous block of elements owned by one backend. Buffers carry no shape: the tensor above
 * them does. A backend frees a buffer in {@link Backend#release(Buffer)}.
 */
public interface Buffer {
    DType dtype();

    /** Number of elements. */
    long size();

    Device device();

    default long byteSize() { return size() * dtype().byteSize(); }
}

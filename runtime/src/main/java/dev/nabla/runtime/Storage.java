package dev.nabla.runtime;

import dev.nabla.runtime.backend.Backend;
import dev.nabla.runtime.backend.Buffer;

import java.util.concurrent.atomic.AtomicInteger;

/** A buffer shared by a tensor and its views (reshape); the buffer goes back to the backend with the last reference. */
final class Storage {
    final Backend backend;
    final Buffer buffer;
    private final AtomicInteger refs = new AtomicInteger(1);

    Storage(Backend backend, Buffer buffer) {
        this.backend = backend;
        this.buffer = buffer;
    }

    Storage retain() {
        refs.incrementAndGet();
        return this;
    }

    /** Whether no view shares this buffer (only one tensor holds it). */
    boolean unshared() {
        return refs.get() == 1;
    }

    void release() {
        if (refs.decrementAndGet() == 0) backend.release(buffer);
    }
}

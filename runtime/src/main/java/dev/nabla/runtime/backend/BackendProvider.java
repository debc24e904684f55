package dev.nabla.runtime.backend;

/**
 * Found through {@link java.util.ServiceLoader}. The available provider with the highest rank is the
 * default; {@code -Dnabla.backend=NAME} forces one. {@link #isAvailable()} never throws.
 */
public interface BackendProvider {
    /** {@code cpu}, {@code cuda}. */
    String name();

    int rank();

    boolean isAvailable();

    /** Why {@link #isAvailable()} is false, in one sentence; null when available. */
    String unavailableReason();

    /** Creates the backend; only called when available. */
    Backend create();
}

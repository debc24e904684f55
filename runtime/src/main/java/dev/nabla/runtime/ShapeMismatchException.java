package dev.nabla.runtime;

/** Shapes that do not fit the op (mismatch, bad rank, axis out of range, non-positive dim). */
public class ShapeMismatchException extends NablaException {
    public ShapeMismatchException(String message) { super(message); }
    public ShapeMismatchException(String message, Throwable cause) { super(message, cause); }
}

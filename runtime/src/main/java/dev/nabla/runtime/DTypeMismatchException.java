package dev.nabla.runtime;

/** A tensor of a dtype the op does not accept. */
public class DTypeMismatchException extends NablaException {
    public DTypeMismatchException(String message) { super(message); }
    public DTypeMismatchException(String message, Throwable cause) { super(message, cause); }
}

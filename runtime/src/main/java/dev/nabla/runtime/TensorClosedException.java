package dev.nabla.runtime;

/** Use of a tensor after close(), or after the scope that owned it closed. */
public class TensorClosedException extends NablaException {
    public TensorClosedException(String message) { super(message); }
    public TensorClosedException(String message, Throwable cause) { super(message, cause); }
}

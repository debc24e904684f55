package dev.nabla.runtime;

/** Tensors of one op live on different devices. */
public class DeviceMismatchException extends NablaException {
    public DeviceMismatchException(String message) { super(message); }
    public DeviceMismatchException(String message, Throwable cause) { super(message, cause); }
}

package dev.nabla.runtime;

/** A bad scalar argument (negative size, probability outside [0,1), label out of range, NaN). */
public class InvalidArgumentException extends NablaException {
    public InvalidArgumentException(String message) { super(message); }
    public InvalidArgumentException(String message, Throwable cause) { super(message, cause); }
}

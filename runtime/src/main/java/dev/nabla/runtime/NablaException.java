package dev.nabla.runtime;

/** Base of every error Nabla raises on purpose. The message names the op and what was expected. */
public class NablaException extends RuntimeException {
    public NablaException(String message) { super(message); }
    public NablaException(String message, Throwable cause) { super(message, cause); }
}

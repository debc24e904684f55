package dev.nabla.runtime;

/** A forced backend (-Dnabla.backend) cannot be had. */
public class BackendUnavailableException extends NablaException {
    public BackendUnavailableException(String message) { super(message); }
    public BackendUnavailableException(String message, Throwable cause) { super(message, cause); }
}

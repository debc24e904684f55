package dev.nabla.runtime;

/** Misuse of autograd: backward through a freed graph, a non-scalar root without a gradient, and the like. */
public class AutogradException extends NablaException {
    public AutogradException(String message) { super(message); }
    public AutogradException(String message, Throwable cause) { super(message, cause); }
}

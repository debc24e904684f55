package dev.nabla.trainers.data;

import dev.nabla.runtime.NablaException;

/** A data file that is truncated, corrupt or not what it claims to be; the message names the file and the problem. */
public class DataFormatException extends NablaException {
    public DataFormatException(String message) { super(message); }

    public DataFormatException(String message, Throwable cause) { super(message, cause); }
}

package dev.nabla.trainers.checkpoint;

import dev.nabla.runtime.NablaException;

/** A safetensors file that is truncated, corrupt or inconsistent; the message names the file and the fault. */
public class CheckpointFormatException extends NablaException {
    public CheckpointFormatException(String message) { super(message); }

    public CheckpointFormatException(String message, Throwable cause) { super(message, cause); }
}

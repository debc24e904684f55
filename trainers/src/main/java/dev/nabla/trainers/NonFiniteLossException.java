package dev.nabla.trainers;

import dev.nabla.runtime.NablaException;

/** The training loss became NaN or infinite; thrown by the NaN guard before the optimiser step. */
public class NonFiniteLossException extends NablaException {
    private final int epoch;
    private final long step;

    public NonFiniteLossException(String message, int epoch, long step) {
        super(message);
        this.epoch = epoch;
        this.step = step;
    }

    /** The epoch (0-based) in which the loss was not finite. */
    public int epoch() { return epoch; }

    /** The optimiser steps completed before the bad batch. */
    public long step() { return step; }
}

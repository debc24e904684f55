package dev.nabla.trainers.callbacks;

import dev.nabla.trainers.NonFiniteLossException;
import dev.nabla.trainers.Trainer;

/**
 * Stops training when a mini-batch loss is NaN or infinite, before it is back-propagated, so the weights stay
 * those of the last good step. Throws {@link NonFiniteLossException} naming the epoch, the batch and the step.
 * The trainer installs one unless built with {@code nanGuard(false)}.
 */
public final class NanGuard implements Callback {
    @Override public void onBatchLoss(Trainer trainer, int epoch, int batch, double loss) {
        if (Double.isFinite(loss)) return;
        String what = Double.isNaN(loss) ? "NaN" : loss > 0 ? "+Infinity" : "-Infinity";
        throw new NonFiniteLossException("The training loss is " + what + " at epoch " + epoch + ", batch " + batch
                + " (after " + trainer.step() + " optimiser steps, learning rate " + trainer.optimizer().groups().get(0).lr()
                + "); training stopped before this batch's update, so the weights are those of step " + trainer.step()
                + ". Try a lower learning rate, gradient clipping, or check the inputs for NaN.", epoch, trainer.step());
    }
}

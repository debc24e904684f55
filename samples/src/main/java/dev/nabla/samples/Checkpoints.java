package dev.nabla.samples;

import dev.nabla.trainers.Trainer;
import dev.nabla.trainers.callbacks.Callback;
import dev.nabla.trainers.callbacks.ModelCheckpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** {@code --checkpoint-dir} and {@code --resume} for samples trained by a {@link Trainer}. */
final class Checkpoints {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

    private Checkpoints() {}

    /** A callback writing {@code epoch-NNNN.safetensors} after every epoch into --checkpoint-dir, or none. */
    static Callback[] callbacks(Options o) {
        Path dir = o.path("checkpoint-dir", null);
        return dir == null ? new Callback[0] : new Callback[]{new ModelCheckpoint(dir).everyEpochs(1)};
    }

    /** With --resume, restores the latest checkpoint of --checkpoint-dir into {@code trainer}. */
    static void resumeIfAsked(Options o, Trainer trainer) {
        if (!o.flag("resume")) return;
        Path dir = o.path("checkpoint-dir", null);
        if (dir == null) throw new IllegalArgumentException("--resume needs --checkpoint-dir");
        Optional<Path> latest = latest(dir);
        if (latest.isEmpty()) {
            LOG.warn("--resume: no checkpoint in {}; starting from scratch", dir);
            return;
        }
        trainer.resume(latest.get());
        LOG.info("resumed from {} at epoch {}", latest.get(), trainer.epoch());
    }

    /** The epoch checkpoint with the highest number in {@code dir}. */
    static Optional<Path> latest(Path dir) {
        if (!Files.isDirectory(dir)) return Optional.empty();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("epoch-\\d+\\.safetensors"))
                    .max(Comparator.comparing(p -> p.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoints in " + dir, e);
        }
    }
}

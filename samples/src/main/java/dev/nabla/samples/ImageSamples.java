package dev.nabla.samples;

import dev.nabla.runtime.Backends;
import dev.nabla.runtime.Tensor;
import dev.nabla.trainers.Trainer;
import dev.nabla.trainers.callbacks.Callback;
import dev.nabla.trainers.data.Dataset;
import dev.nabla.trainers.data.Subset;
import dev.nabla.trainers.data.Transform;
import dev.nabla.trainers.metrics.MetricsLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** What the Fashion-MNIST samples share: the run summary's header, input normalisation, --limit-train, PNG grids. */
final class ImageSamples {
    /** Mean and standard deviation of the Fashion-MNIST training pixels (in [0, 1]). */
    static final float MEAN = 0.2860f, STD = 0.3530f;
    static final int SIDE = 28, PIXELS = SIDE * SIDE;

    private static final Logger LOG = LoggerFactory.getLogger(ImageSamples.class);

    private ImageSamples() {}

    /**
     * {@link MetricsLog} (metrics.csv and metrics.png in {@code dir}), but a failure to draw the plot is logged rather
     * than ending the run: XChart 3.x cannot lay out an odd number of panels (reported to trainers).
     */
    static Callback metricsLog(Path dir) {
        MetricsLog log = new MetricsLog(dir);
        return new Callback() {
            @Override public void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> metrics) {
                try {
                    log.onEpochEnd(trainer, epoch, metrics);
                } catch (RuntimeException e) {
                    LOG.warn("could not write the metrics log in {}: {}", dir, e.toString());
                }
            }
        };
    }

    static RunSummary newSummary(String sample) {
        String device = Tensor.defaultDevice().toString();
        if (device.equals("cpu")) device += " (" + Runtime.getRuntime().availableProcessors() + " threads, " + System.getProperty("os.arch") + ")";
        return new RunSummary(sample, Backends.defaultBackend().name(), device);
    }

    static RunSummary describeData(RunSummary s, FashionMnistData.Data data, int trainExamples) {
        return s.put("data_source", data.source()).put("data_subset", data.subset()).put("train_examples", trainExamples)
                .put("test_examples", data.test().size());
    }

    /** The first --limit-train examples, or all. */
    static Dataset limit(Dataset d, Options o) {
        int n = o.limitTrain();
        return n >= d.size() ? d : Subset.limit(d, n);
    }

    /** Standardises pixels with the training set's mean and standard deviation. */
    static Transform standardize() {
        return (in, off, rng) -> {
            for (int i = 0; i < PIXELS; i++) in[off + i] = (in[off + i] - MEAN) / STD;
        };
    }

    /** Applies {@code ts} in order. */
    static Transform chain(Transform... ts) {
        return (in, off, rng) -> {
            for (Transform t : ts) t.apply(in, off, rng);
        };
    }

    /**
     * Writes {@code rows} of 28x28 grey images as one PNG, a 2-pixel gap between images; {@code lo..hi} maps to black..white.
     * Each row is a flat array of whole images.
     */
    static Path writeGrid(Path file, float[][] rows, float lo, float hi) throws IOException {
        int cols = 0;
        for (float[] r : rows) cols = Math.max(cols, r.length / PIXELS);
        int gap = 2, cell = SIDE + gap;
        BufferedImage img = new BufferedImage(cols * cell + gap, rows.length * cell + gap, BufferedImage.TYPE_BYTE_GRAY);
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < rows[r].length / PIXELS; c++) {
                for (int y = 0; y < SIDE; y++) {
                    for (int x = 0; x < SIDE; x++) {
                        float v = (rows[r][c * PIXELS + y * SIDE + x] - lo) / (hi - lo);
                        int g = Math.round(255 * Math.max(0f, Math.min(1f, v)));
                        img.getRaster().setSample(gap + c * cell + x, gap + r * cell + y, 0, g);
                    }
                }
            }
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        if (!ImageIO.write(img, "png", file.toFile())) throw new IOException("no PNG writer for " + file);
        return file;
    }
}

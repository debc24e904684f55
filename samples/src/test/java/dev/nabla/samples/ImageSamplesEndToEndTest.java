package dev.nabla.samples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each image sample end to end on a tiny setting, on the subset bundled in the jar (so the tests need neither the
 * full data set nor the network): the loss falls, and the images and summaries are written.
 */
class ImageSamplesEndToEndTest {
    @TempDir Path tmp;

    private RunSummary run(Sample s, String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--data", tmp.resolve("absent").toString(), "--no-download",
                "--out", tmp.resolve("out").toString()));
        args.addAll(List.of(extra));
        return s.run(Options.parse(args.toArray(String[]::new)));
    }

    @Test void mlpLossFallsAndBeatsChanceAfterOneEpochOnASubset() throws Exception {
        RunSummary s = run(new FashionMnistMlp(), "--limit-train", "1024", "--epochs", "1", "--batch-size", "64");
        assertTrue(s.getDouble("train_loss") < s.getDouble("first_batch_loss"), s.toString());
        assertTrue(s.getDouble("test_accuracy") > 0.4, s.toString());
        assertEquals(1024, s.getDouble("train_examples"));
    }

    @Test void cnnLossFallsOnASubset() throws Exception {
        RunSummary s = run(new FashionMnistCnn(), "--limit-train", "512", "--epochs", "1", "--batch-size", "32");
        assertTrue(s.getDouble("train_loss") < s.getDouble("first_batch_loss"), s.toString());
        assertTrue(s.getDouble("test_accuracy") > 0.2, s.toString());
    }

    @Test void strongCnnWithBatchNormDropoutAndAugmentationTrains() throws Exception {
        RunSummary s = run(new FashionMnistCnn(), "--strong", "--limit-train", "256", "--epochs", "1", "--batch-size", "32");
        assertEquals(true, s.get("strong"));
        assertTrue(s.getDouble("train_loss") < s.getDouble("first_batch_loss"), s.toString());
    }

    @Test void mainJobFallsBackToTheBundledSubsetWithoutDataOrNetwork() throws Exception {
        Path metrics = tmp.resolve("cnn.json");
        int code = Main.run(new String[]{"fashion-mnist-cnn", "--data", tmp.resolve("no-such-dir").toString(), "--no-download",
                "--limit-train", "256", "--epochs", "1", "--batch-size", "64", "--out", tmp.resolve("out").toString(),
                "--metrics-out", metrics.toString()});
        assertEquals(0, code);
        String json = Files.readString(metrics);
        assertTrue(json.contains("\"data_source\" : \"bundled subset\""), json);
        assertTrue(json.contains("\"data_subset\" : true"), json);
        for (String key : List.of("sample", "backend", "device", "epochs", "train_loss", "train_accuracy", "test_loss",
                "test_accuracy", "training_seconds", "samples_per_second")) {
            assertTrue(json.contains("\"" + key + "\""), key + " missing from " + json);
        }
    }

    @Test void checkpointsAreWrittenAndAResumedRunContinuesFromTheLastEpoch() throws Exception {
        Path ckpt = tmp.resolve("ckpt");
        run(new FashionMnistMlp(), "--limit-train", "256", "--epochs", "1", "--checkpoint-dir", ckpt.toString());
        assertTrue(Files.isRegularFile(ckpt.resolve("epoch-0000.safetensors")));
        RunSummary resumed = run(new FashionMnistMlp(), "--limit-train", "256", "--epochs", "2", "--checkpoint-dir", ckpt.toString(), "--resume");
        assertEquals(2, resumed.getDouble("epochs"));
        assertEquals(1, ((List<?>) resumed.get("test_accuracy_per_epoch")).size(), "only epoch 1 is trained after resuming");
        assertTrue(Files.isRegularFile(ckpt.resolve("epoch-0001.safetensors")));
    }

    @Test void autoencoderReconstructionLossFallsAndThePngShowsOriginalsAboveReconstructions() throws Exception {
        RunSummary s = run(new Autoencoder(), "--limit-train", "1024", "--epochs", "2", "--batch-size", "64", "--bottleneck", "16");
        assertTrue(s.getDouble("train_loss") < 0.7 * s.getDouble("first_batch_loss"), s.toString());
        BufferedImage png = ImageIO.read(Path.of((String) s.get("image")).toFile());
        assertNotNull(png);
        assertEquals(2 + 2 * 30, png.getHeight(), "two rows of 28-pixel images with 2-pixel gaps");
        assertEquals(2 + 10 * 30, png.getWidth());
    }

    @Test void ganDiscriminatorLearnsAndAGridIsWrittenEveryEpoch() throws Exception {
        RunSummary s = run(new Gan(), "--limit-train", "512", "--epochs", "2", "--batch-size", "64");
        assertTrue(s.getDouble("discriminator_loss") < s.getDouble("first_discriminator_loss"), s.toString());
        List<?> images = (List<?>) s.get("images");
        assertEquals(2, images.size());
        for (Object p : images) {
            BufferedImage png = ImageIO.read(Path.of((String) p).toFile());
            assertEquals(2 + 8 * 30, png.getWidth());
        }
    }

    @Test void wassersteinGanWithGradientPenaltyTrainsAndWritesItsGrid() throws Exception {
        RunSummary s = run(new Gan(), "--gradient-penalty", "--limit-train", "256", "--epochs", "1", "--batch-size", "32");
        assertEquals("wasserstein-gp", s.get("loss"));
        assertTrue(Double.isFinite(s.getDouble("discriminator_loss")), s.toString());
        assertTrue(s.getDouble("discriminator_loss") < s.getDouble("first_discriminator_loss"), s.toString());
        assertTrue(Files.isRegularFile(Path.of((String) ((List<?>) s.get("images")).get(0))));
    }

    @Test void wassersteinGanWithWeightClippingTrainsAndWritesItsGrid() throws Exception {
        RunSummary s = run(new Gan(), "--wasserstein", "--limit-train", "256", "--epochs", "1", "--batch-size", "32");
        assertEquals("wasserstein-clip", s.get("loss"));
        assertTrue(Double.isFinite(s.getDouble("discriminator_loss")), s.toString());
        assertTrue(Files.isRegularFile(Path.of((String) ((List<?>) s.get("images")).get(0))));
    }
}

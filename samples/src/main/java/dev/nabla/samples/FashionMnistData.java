package dev.nabla.samples;

import dev.nabla.trainers.data.ArrayDataset;
import dev.nabla.trainers.data.FashionMnist;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Finds Fashion-MNIST: {@code --data} (when given, the only folder looked at and downloaded into), else {@code $NABLA_DATA}, {@code ~/.nabla/datasets/fashion-mnist},
 * {@code /usr/share/datasets/fashion-mnist} (Debian's dataset-fashion-mnist), then downloads it from the
 * data set's official mirror into the home cache, verifying each file's SHA-256 (of the decompressed
 * content, so any faithful gzip of the same data passes). With none of these and no network, it falls
 * back to a small subset shipped in this jar (3,000 training and 1,000 test images) and says so.
 */
public final class FashionMnistData {
    private static final Logger LOG = LoggerFactory.getLogger(FashionMnistData.class);
    static final String MIRROR = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";
    static final String[][] FILES = {
            {"train-images-idx3-ubyte.gz", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"},
            {"train-labels-idx1-ubyte.gz", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"},
            {"t10k-images-idx3-ubyte.gz", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"},
            {"t10k-labels-idx1-ubyte.gz", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"}};
    private static final String SUBSET = "/dev/nabla/samples/fashion-mnist-subset/";

    /** Train and test sets and where they came from. */
    public record Data(ArrayDataset train, ArrayDataset test, String source, boolean subset) {}

    private FashionMnistData() {}

    public static Data load(Options o) {
        List<Path> candidates = new ArrayList<>();
        Path home = Path.of(System.getProperty("user.home"), ".nabla", "datasets", "fashion-mnist");
        // An explicit --data is the only place looked at (and downloaded into): never silently train on other data.
        Path target = o.has("data") ? o.path("data", null) : home;
        if (o.has("data")) {
            candidates.add(target);
        } else {
            String env = System.getenv("NABLA_DATA");
            if (env != null && !env.isBlank()) {
                candidates.add(Path.of(env));
                candidates.add(Path.of(env, "fashion-mnist"));
            }
            candidates.add(home);
            candidates.add(Path.of("/usr/share/datasets/fashion-mnist"));
        }
        for (Path p : candidates) {
            if (FashionMnist.isPresent(p)) return new Data(FashionMnist.train(p), FashionMnist.test(p), p.toString(), false);
        }
        if (!o.flag("no-download")) {
            try {
                download(target);
                return new Data(FashionMnist.train(target), FashionMnist.test(target), target.toString(), false);
            } catch (IOException | RuntimeException e) {
                LOG.warn("Fashion-MNIST could not be downloaded ({}); falling back to the subset inside the jar", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return subset();
    }

    /** The 3,000 / 1,000 image subset shipped in the jar. */
    public static Data subset() {
        try {
            Path dir = Files.createTempDirectory("nabla-fashion-mnist");
            dir.toFile().deleteOnExit();
            for (String[] f : FILES) {
                try (InputStream in = FashionMnistData.class.getResourceAsStream(SUBSET + f[0])) {
                    if (in == null) throw new IllegalStateException("the samples jar lacks " + SUBSET + f[0]);
                    Path target = dir.resolve(f[0]);
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    target.toFile().deleteOnExit();
                }
            }
            LOG.warn("USING THE SMALL FASHION-MNIST SUBSET SHIPPED IN THE JAR (3,000 train / 1,000 test images): "
                    + "no full copy was found (--data, $NABLA_DATA, ~/.nabla/datasets/fashion-mnist, "
                    + "/usr/share/datasets/fashion-mnist) and it could not be downloaded. Accuracy will be lower than on the full set.");
            return new Data(FashionMnist.train(dir), FashionMnist.test(dir), "bundled subset", true);
        } catch (IOException e) {
            throw new IllegalStateException("cannot unpack the bundled Fashion-MNIST subset: " + e.getMessage(), e);
        }
    }

    static void download(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        for (String[] f : FILES) {
            Path target = dir.resolve(f[0]);
            if (Files.isRegularFile(target) && sha256OfGunzipped(target).equals(f[1])) continue;
            Path tmp = Files.createTempFile(dir, f[0], ".part");
            try {
                LOG.info("downloading {}{}", MIRROR, f[0]);
                HttpResponse<Path> r = http.send(HttpRequest.newBuilder(URI.create(MIRROR + f[0])).timeout(Duration.ofMinutes(5)).build(),
                        HttpResponse.BodyHandlers.ofFile(tmp));
                if (r.statusCode() != 200) throw new IOException("HTTP " + r.statusCode() + " for " + f[0]);
                String sum = sha256OfGunzipped(tmp);
                if (!sum.equals(f[1])) throw new IOException("checksum mismatch for " + f[0] + ": got " + sum + ", expected " + f[1]);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }

    static String sha256OfGunzipped(Path gz) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

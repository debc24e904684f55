package dev.nabla.trainers.data;

import dev.nabla.runtime.Shape;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fashion-MNIST (or MNIST) from a folder of the four IDX files, gzipped or not:
 * {@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]}, {@code t10k-...}.
 * Images become {@code [1, 28, 28]} floats in [0, 1]; labels are class indices 0..9.
 */
public final class FashionMnist {
    public static final String[] CLASSES = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

    private FashionMnist() {}

    public static ArrayDataset train(Path dir) { return load(dir, "train"); }

    public static ArrayDataset test(Path dir) { return load(dir, "t10k"); }

    /** True when {@code dir} holds all four files. */
    public static boolean isPresent(Path dir) {
        if (dir == null) return false;
        for (String p : new String[]{"train", "t10k"}) {
            if (find(dir, p + "-images-idx3-ubyte") == null || find(dir, p + "-labels-idx1-ubyte") == null) return false;
        }
        return true;
    }

    private static Path find(Path dir, String base) {
        for (String name : new String[]{base + ".gz", base, base.replace("-idx", ".idx")}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    private static ArrayDataset load(Path dir, String prefix) {
        Path imgFile = find(dir, prefix + "-images-idx3-ubyte");
        Path lblFile = find(dir, prefix + "-labels-idx1-ubyte");
        if (imgFile == null || lblFile == null) {
            throw new DataFormatException("Fashion-MNIST: " + dir + " lacks " + prefix + "-images-idx3-ubyte(.gz) or "
                    + prefix + "-labels-idx1-ubyte(.gz)");
        }
        IdxReader.IdxArray images = IdxReader.read(imgFile);
        IdxReader.IdxArray labels = IdxReader.read(lblFile);
        if (images.dims().length != 3) throw new DataFormatException("Fashion-MNIST: " + imgFile + " has rank " + images.dims().length + ", expected 3");
        if (labels.dims().length != 1) throw new DataFormatException("Fashion-MNIST: " + lblFile + " has rank " + labels.dims().length + ", expected 1");
        if (images.count() != labels.count()) {
            throw new DataFormatException("Fashion-MNIST: " + imgFile + " has " + images.count() + " images but " + lblFile
                    + " has " + labels.count() + " labels");
        }
        int h = images.dims()[1], w = images.dims()[2];
        byte[] px = images.data();
        float[] x = new float[px.length];
        for (int i = 0; i < px.length; i++) x[i] = (px[i] & 0xff) / 255f;
        int[] y = new int[labels.count()];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels.data()[i] & 0xff;
            if (y[i] > 9) throw new DataFormatException("Fashion-MNIST: " + lblFile + " label " + i + " is " + y[i] + ", expected 0..9");
        }
        return ArrayDataset.classification(x, Shape.of(1, h, w), y);
    }
}

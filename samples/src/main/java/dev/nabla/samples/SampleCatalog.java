package dev.nabla.samples;

import java.util.List;

/** The samples, in course order. */
final class SampleCatalog {
    private SampleCatalog() {}

    static List<Sample> all() {
        return List.of(
                new FashionMnistMlp(),
                new FashionMnistCnn(),
                new Autoencoder(),
                new Gan());
    }
}

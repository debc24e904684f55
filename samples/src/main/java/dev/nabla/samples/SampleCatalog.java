package dev.nabla.samples;

import java.util.List;

/** The samples, in course order. */
final class SampleCatalog {
    private SampleCatalog() {}

    static List<Sample> all() {
        return List.of(
                new RegressionSample(),
                new CriticalPointsSample(),
                new OptimizersSample(),
                new BatchNormSample(),
                new FashionMnistMlp(),
                new FashionMnistCnn(),
                new CharTransformerSample(),
                new Seq2SeqSample(),
                new RnnSample(),
                new Autoencoder(),
                new Gan());
    }
}

package dev.nabla.samples;

import dev.nabla.layers.Flatten;
import dev.nabla.layers.Linear;
import dev.nabla.layers.Sequential;
import dev.nabla.layers.activation.ReLU;

/** A 784-256-128-10 multi-layer perceptron on Fashion-MNIST. */
public final class FashionMnistMlp implements Sample {
    @Override public String name() { return "fashion-mnist-mlp"; }

    @Override public String description() { return "Fashion-MNIST with an MLP 784-256-128-10 (Adam, 3 epochs: >= 85.5% test accuracy)"; }

    @Override public String help() { return "Defaults: --epochs 3 --batch-size 128 --lr 0.001 --seed 0"; }

    @Override public RunSummary run(Options o) {
        return ImageClassification.run(new ImageClassification.Recipe(name(), () -> new Sequential(
                new Flatten(),
                new Linear(784, 256), new ReLU(),
                new Linear(256, 128), new ReLU(),
                new Linear(128, 10)), 3, null, false), o);
    }
}

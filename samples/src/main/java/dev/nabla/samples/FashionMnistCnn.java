package dev.nabla.samples;

import dev.nabla.layers.Dropout;
import dev.nabla.layers.Flatten;
import dev.nabla.layers.Linear;
import dev.nabla.layers.Module;
import dev.nabla.layers.Sequential;
import dev.nabla.layers.activation.ReLU;
import dev.nabla.layers.conv.Conv2d;
import dev.nabla.layers.conv.MaxPool2d;
import dev.nabla.layers.norm.BatchNorm2d;
import dev.nabla.trainers.data.Transforms;

/**
 * The main job: a convolutional network on Fashion-MNIST. Two blocks of 3x3 convolution + ReLU + 2x2 max-pool
 * (32 and 64 channels), a 128-unit hidden layer, 10 classes. {@code --strong} adds batch norm, dropout and
 * augmentation (random 1-pixel shifts and left-right flips) and a cosine learning-rate decay.
 */
public final class FashionMnistCnn implements Sample {
    @Override public String name() { return "fashion-mnist-cnn"; }

    @Override public String description() { return "the main job: Fashion-MNIST with a CNN (3 epochs: >= 89%; --strong: >= 92.5%)"; }

    @Override public String help() {
        return """
                Defaults: --epochs 3 --batch-size 128 --lr 0.001 --seed 0
                  --strong          batch norm, dropout, augmentation (shift + flip), cosine LR; default --epochs 15
                  --no-download     do not download Fashion-MNIST; fall back to the subset inside the jar""";
    }

    @Override public RunSummary run(Options o) {
        boolean strong = o.flag("strong");
        RunSummary s = ImageClassification.run(strong
                ? new ImageClassification.Recipe(name(), FashionMnistCnn::strong, 15,
                        ImageSamples.chain(Transforms.randomCrop(1, 28, 28, 1), Transforms.randomHorizontalFlip(1, 28, 28)), true)
                : new ImageClassification.Recipe(name(), FashionMnistCnn::plain, 3, null, false), o);
        return s.put("strong", strong);
    }

    static Module plain() {
        return new Sequential(
                new Conv2d(1, 32, 3, 1, 1), new ReLU(), new MaxPool2d(2),
                new Conv2d(32, 64, 3, 1, 1), new ReLU(), new MaxPool2d(2),
                new Flatten(),
                new Linear(64 * 7 * 7, 128), new ReLU(),
                new Linear(128, 10));
    }

    static Module strong() {
        return new Sequential(
                new Conv2d(1, 32, 3, 1, 1), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
                new Conv2d(32, 64, 3, 1, 1), new BatchNorm2d(64), new ReLU(), new MaxPool2d(2),
                new Flatten(),
                new Linear(64 * 7 * 7, 128), new ReLU(),
                new Dropout(0.25),
                new Linear(128, 10));
    }
}

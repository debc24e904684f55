package dev.nabla.samples;

import dev.nabla.layers.Flatten;
import dev.nabla.layers.Linear;
import dev.nabla.layers.Module;
import dev.nabla.layers.Sequential;
import dev.nabla.layers.activation.LeakyReLU;
import dev.nabla.layers.activation.Tanh;
import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.random.Generator;
import dev.nabla.trainers.data.Batch;
import dev.nabla.trainers.data.DataLoader;
import dev.nabla.trainers.data.Dataset;
import dev.nabla.trainers.data.Transforms;
import dev.nabla.trainers.optim.Adam;
import dev.nabla.trainers.optim.Optimizer;
import dev.nabla.trainers.optim.RMSProp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small fully-connected GAN on Fashion-MNIST, pixels scaled to [-1, 1]. By default the standard non-saturating
 * loss (Adam 2e-4, beta1 0.5); {@code --wasserstein} trains a WGAN critic (5 critic steps per generator step) with
 * weight clipping (RMSProp 5e-5), or with {@code --gradient-penalty} a WGAN-GP (Adam 1e-4, betas 0.5/0.9, lambda 10).
 * After every epoch it writes {@code epoch-NNN.png}: an 8x8 grid generated from the same fixed noise.
 */
public final class Gan implements Sample {
    private static final Logger LOG = LoggerFactory.getLogger(Gan.class);
    private static final int GRID = 8;

    @Override public String name() { return "gan"; }

    @Override public String description() { return "a small GAN on Fashion-MNIST (standard or --wasserstein loss); a PNG grid every epoch"; }

    @Override public String help() {
        return """
                Defaults: --epochs 10 --batch-size 64 --seed 0 (--lr 2e-4; 5e-5 with --wasserstein; 1e-4 with --gradient-penalty)
                  --latent N           noise size (default 64)
                  --wasserstein        Wasserstein loss with weight clipping (--clip, default 0.01)
                  --gradient-penalty   Wasserstein loss with gradient penalty instead of clipping (implies --wasserstein)
                  --critic-steps N     critic steps per generator step with the Wasserstein loss (default 5)""";
    }

    @Override public RunSummary run(Options o) throws Exception {
        Generator.manualSeed(o.seed());
        boolean gp = o.flag("gradient-penalty"), wasserstein = gp || o.flag("wasserstein");
        int epochs = o.epochs(10), batch = o.batchSize(64), latent = o.integer("latent", 64);
        int criticSteps = wasserstein ? o.integer("critic-steps", 5) : 1;
        double lr = o.lr(gp ? 1e-4 : wasserstein ? 5e-5 : 2e-4), clip = o.real("clip", 0.01);
        FashionMnistData.Data data = FashionMnistData.load(o);
        Dataset train = ImageSamples.limit(data.train(), o);
        DataLoader loader = DataLoader.builder(train).batchSize(batch).shuffle(true).seed(o.seed()).dropLast(train.size() >= batch)
                .transform(Transforms.normalize(ImageSamples.PIXELS, 0.5f, 0.5f)).build();

        Module gen = new Sequential(new Linear(latent, 256), new LeakyReLU(0.2), new Linear(256, 512), new LeakyReLU(0.2),
                new Linear(512, ImageSamples.PIXELS), new Tanh());
        Module disc = new Sequential(new Flatten(), new Linear(ImageSamples.PIXELS, 512), new LeakyReLU(0.2),
                new Linear(512, 256), new LeakyReLU(0.2), new Linear(256, 1));
        Optimizer gOpt = optimizer(gen, lr, wasserstein, gp), dOpt = optimizer(disc, lr, wasserstein, gp);
        Generator noise = new Generator(o.seed() + 1);
        Tensor fixedNoise = Scope.detach(Tensor.randn(Shape.of(GRID * GRID, latent), DType.FLOAT32, Tensor.defaultDevice(), new Generator(o.seed() + 2)));
        Path dir = o.outDir().resolve(name());

        List<Double> dLosses = new ArrayList<>(), gLosses = new ArrayList<>();
        double firstD = Double.NaN, dSum = 0, gSum = 0, seconds = 0;
        int dCount = 0, gCount = 0;
        long examples = 0;
        List<String> images = new ArrayList<>();
        for (int e = 0; e < epochs; e++) {
            dSum = gSum = 0;
            dCount = gCount = 0;
            long start = System.nanoTime();
            int b = 0;
            for (Batch real : loader.epoch(e)) {
                try (Scope scope = Scope.open(); real) {
                    int n = real.size();
                    Tensor fake = gen.forward(Tensor.randn(Shape.of(n, latent), DType.FLOAT32, Tensor.defaultDevice(), noise)).detach();
                    Tensor dReal = disc.forward(real.inputs()), dFake = disc.forward(fake);
                    Tensor dLoss = wasserstein ? dFake.mean().sub(dReal.mean())
                            : F.bceWithLogits(dReal, Tensor.onesLike(dReal)).add(F.bceWithLogits(dFake, Tensor.zerosLike(dFake)));
                    if (gp) dLoss = dLoss.add(gradientPenalty(disc, real.inputs().flatten(1, -1), fake, noise).mul(10));
                    dOpt.zeroGrad();
                    dLoss.backward();
                    dOpt.step();
                    if (wasserstein && !gp) clipWeights(disc, clip);
                    double dl = dLoss.item();
                    if (Double.isNaN(firstD)) firstD = dl;
                    dSum += dl;
                    dCount++;
                    if (++b % criticSteps == 0) {
                        Tensor score = disc.forward(gen.forward(Tensor.randn(Shape.of(n, latent), DType.FLOAT32, Tensor.defaultDevice(), noise)));
                        Tensor gLoss = wasserstein ? score.mean().neg() : F.bceWithLogits(score, Tensor.onesLike(score));
                        gOpt.zeroGrad();
                        gLoss.backward();
                        gOpt.step();
                        gSum += gLoss.item();
                        gCount++;
                    }
                    examples += n;
                }
            }
            seconds += (System.nanoTime() - start) / 1e9;
            dLosses.add(dSum / dCount);
            gLosses.add(gCount == 0 ? Double.NaN : gSum / gCount);
            Path png = writeSamples(gen, fixedNoise, dir.resolve(String.format("epoch-%03d.png", e)));
            images.add(png.toString());
            LOG.info(String.format("gan epoch %d: %s loss %.4f, generator loss %.4f; %s", e, wasserstein ? "critic" : "discriminator",
                    dLosses.get(e), gLosses.get(e), png));
        }
        RunSummary s = ImageSamples.newSummary(name()).put("epochs", epochs).put("loss", wasserstein ? (gp ? "wasserstein-gp" : "wasserstein-clip") : "non-saturating")
                .put("first_discriminator_loss", firstD)
                .put("discriminator_loss", dLosses.isEmpty() ? Double.NaN : dLosses.get(dLosses.size() - 1))
                .put("generator_loss", gLosses.isEmpty() ? Double.NaN : gLosses.get(gLosses.size() - 1))
                .put("discriminator_loss_per_epoch", dLosses).put("generator_loss_per_epoch", gLosses)
                .put("training_seconds", seconds).put("samples_per_second", seconds == 0 ? 0 : examples / seconds).put("images", images);
        ImageSamples.describeData(s, data, train.size());
        fixedNoise.close();
        gOpt.close();
        dOpt.close();
        gen.close();
        disc.close();
        return s;
    }

    private static Optimizer optimizer(Module m, double lr, boolean wasserstein, boolean gp) {
        if (gp) return new Adam(m.parameters(), Adam.Options.defaults().lr(lr).betas(0.5, 0.9));
        if (wasserstein) return new RMSProp(m.parameters(), RMSProp.Options.defaults().lr(lr));
        return new Adam(m.parameters(), Adam.Options.defaults().lr(lr).betas(0.5, 0.999));
    }

    /** Keeps the critic Lipschitz (roughly) by clamping every weight into [-c, c]. */
    private static void clipWeights(Module critic, double c) {
        try (Autograd.NoGrad ignored = Autograd.noGrad(); Scope scope = Scope.open()) {
            for (Tensor p : critic.parameters()) p.copyFrom(p.clamp(-c, c));
        }
    }

    /** (|grad_x D(x)| - 1)^2 averaged over points between real and fake images. */
    private static Tensor gradientPenalty(Module critic, Tensor real, Tensor fake, Generator noise) {
        int n = real.dim(0);
        Tensor t = Tensor.rand(Shape.of(n, 1), DType.FLOAT32, real.device(), noise);
        Tensor mixed = real.mul(t).add(fake.mul(t.neg().add(1))).detach().requiresGrad(true);
        Tensor score = critic.forward(mixed);
        Tensor g = Autograd.grad(score.sum(), new Tensor[]{mixed}, null, true, true)[0];
        return g.mul(g).sum(1).add(1e-12).sqrt().sub(1).pow(2).mean();
    }

    private static Path writeSamples(Module gen, Tensor noise, Path file) throws java.io.IOException {
        float[] pixels;
        gen.train(false);
        try (Autograd.NoGrad ignored = Autograd.noGrad(); Scope scope = Scope.open()) {
            pixels = gen.forward(noise).toFloatArray();
        } finally {
            gen.train(true);
        }
        float[][] rows = new float[GRID][];
        for (int r = 0; r < GRID; r++) rows[r] = java.util.Arrays.copyOfRange(pixels, r * GRID * ImageSamples.PIXELS, (r + 1) * GRID * ImageSamples.PIXELS);
        return ImageSamples.writeGrid(file, rows, -1f, 1f);
    }
}

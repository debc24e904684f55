package dev.nabla.samples;

import dev.nabla.layers.Linear;
import dev.nabla.layers.Module;
import dev.nabla.layers.recurrent.LSTM;
import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.Backends;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.random.Generator;
import dev.nabla.trainers.optim.Adam;
import dev.nabla.trainers.optim.GradClip;
import org.knowm.xchart.XYChart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Lesson 8: a recurrent network. An LSTM reads noisy sine waves (random frequency and phase) one value at a time
 * and predicts the next clean value at every step. The whole sequence is unrolled, so the backward pass is
 * backpropagation through time; the gradients are clipped to a global norm before each Adam step (the norm before
 * clipping is printed). The baseline "the next value equals this noisy one" shows how much the LSTM has learned.
 */
final class RnnSample implements Sample {
    private static final Logger LOG = LoggerFactory.getLogger(RnnSample.class);

    /** LSTM over [b, t, 1] -> a linear read-out at every step -> [b, t, 1]. */
    static final class SinePredictor extends Module {
        final LSTM lstm;
        final Linear readout;

        SinePredictor(int hidden, int layers) {
            lstm = registerModule("lstm", new LSTM(1, hidden, layers));
            readout = registerModule("readout", new Linear(hidden, 1));
        }

        @Override public Tensor forward(Tensor x) { return readout.call(lstm.call(x)); }
    }

    @Override public String name() { return "rnn"; }

    @Override public String description() { return "an LSTM predicting noisy sine waves, BPTT with gradient clipping by global norm"; }

    @Override public String help() {
        return """
                  --steps N          training steps (default 400)
                  --seq-len N        unrolled length (default 50)
                  --hidden N         LSTM units (default 32); --layers N (default 1)
                  --clip X           global gradient-norm limit (default 1.0)
                  --noise X          input noise standard deviation (default 0.1)
                  (--batch-size default 32, --lr default 1e-2)""";
    }

    @Override public RunSummary run(Options o) {
        int steps = o.integer("steps", 400), len = o.integer("seq-len", 50), batch = o.batchSize(32);
        double clip = o.real("clip", 1.0), noise = o.real("noise", 0.1);
        Generator.manualSeed(o.seed());
        Random rnd = new Random(o.seed());
        SinePredictor model = new SinePredictor(o.integer("hidden", 32), o.integer("layers", 1));
        Adam opt = new Adam(model.parameters(), o.lr(1e-2));
        float[][] val = waves(256, len, noise, new Random(o.seed() + 1));
        double baseline = baseline(val, 256, len);

        double[] losses = new double[steps];
        long t0 = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            float[][] xy = waves(batch, len, noise, rnd);
            try (Scope ignored = Scope.open()) {
                Tensor loss = F.mseLoss(model.forward(Tensor.of(xy[0], batch, len, 1)), Tensor.of(xy[1], batch, len, 1));
                losses[s] = loss.item();
                loss.backward();
                double norm = GradClip.byNorm(opt.parameters(), clip);
                opt.step();
                opt.zeroGrad();
                if (s % 25 == 0 || s == steps - 1) {
                    LOG.info(String.format(Locale.ROOT, "step %4d  loss %.5f  gradient norm %.3f%s", s, losses[s], norm, norm > clip ? " (clipped)" : ""));
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double valLoss;
        float[] prediction;
        model.eval();
        try (Autograd.NoGrad ignored = Autograd.noGrad(); Scope scope = Scope.open()) {
            Tensor out = model.forward(Tensor.of(val[0], 256, len, 1));
            valLoss = F.mseLoss(out, Tensor.of(val[1], 256, len, 1)).item();
            prediction = out.narrow(0, 0, 1).toFloatArray();
        }
        System.out.printf(Locale.ROOT, "validation MSE %.5f (baseline 'next = current noisy value': %.5f)%n", valLoss, baseline);

        XYChart wave = LinePlots.panel("one validation sequence", "t", "value", false);
        double[] t = LinePlots.steps(len);
        LinePlots.points(wave, "noisy input", t, RegressionSample.toDouble(java.util.Arrays.copyOf(val[0], len)));
        LinePlots.line(wave, "next clean value", t, RegressionSample.toDouble(java.util.Arrays.copyOf(val[1], len)));
        LinePlots.line(wave, "LSTM prediction", t, RegressionSample.toDouble(prediction));
        XYChart curve = LinePlots.panel("training loss", "step", "MSE", true);
        LinePlots.line(curve, "loss", LinePlots.steps(steps), LinePlots.positive(losses));
        Path png = LinePlots.save(o.outDir().resolve("rnn.png"), List.of(wave, curve));
        System.out.println("plot: " + png.toAbsolutePath());
        opt.close();
        return new RunSummary(name(), Backends.defaultBackend().name(), Tensor.defaultDevice().toString())
                .put("steps", steps).put("first_train_loss", losses[0]).put("train_loss", losses[steps - 1])
                .put("val_loss", valLoss).put("baseline_loss", baseline).put("train_seconds", seconds)
                .put("samples_per_second", steps * batch / seconds).put("plot", png.toString());
    }

    /** {@code n} sequences: noisy sin(w t + phi) as inputs and the clean value one step ahead as targets. */
    static float[][] waves(int n, int len, double noise, Random rnd) {
        float[] x = new float[n * len], y = new float[n * len];
        for (int i = 0; i < n; i++) {
            double w = 0.1 + 0.4 * rnd.nextDouble(), phi = 2 * Math.PI * rnd.nextDouble();
            for (int t = 0; t < len; t++) {
                x[i * len + t] = (float) (Math.sin(w * t + phi) + noise * rnd.nextGaussian());
                y[i * len + t] = (float) Math.sin(w * (t + 1) + phi);
            }
        }
        return new float[][]{x, y};
    }

    /** MSE of predicting the next value as the current noisy one. */
    static double baseline(float[][] xy, int n, int len) {
        double sum = 0;
        for (int i = 0; i < n * len; i++) sum += (xy[0][i] - xy[1][i]) * (xy[0][i] - xy[1][i]);
        return sum / (n * len);
    }
}

package dev.nabla.samples;

import dev.nabla.layers.Linear;
import dev.nabla.layers.Module;
import dev.nabla.layers.Sequential;
import dev.nabla.layers.activation.ReLU;
import dev.nabla.layers.activation.Sigmoid;
import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.Backends;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.random.Generator;
import dev.nabla.trainers.optim.Adam;
import dev.nabla.trainers.optim.Optimizer;
import dev.nabla.trainers.optim.SGD;
import org.knowm.xchart.XYChart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.BinaryOperator;

/**
 * Lesson 1: a model is a function with parameters, training is gradient descent on a loss. First
 * {@code y = b + w x} on noisy points, then a sum of sigmoids or of ReLUs ({@code Linear -> act -> Linear})
 * on a piecewise-linear curve with a few outliers, once with MSE and once with MAE (which shrugs the outliers off).
 */
final class RegressionSample implements Sample {
    private static final Logger LOG = LoggerFactory.getLogger(RegressionSample.class);
    /** The knots of the piecewise-linear target. */
    private static final double[][] KNOTS = {{-3, 0}, {-1, 1.5}, {0.5, -0.5}, {3, 1}};

    @Override public String name() { return "regression"; }

    @Override public String description() { return "y = b + w x by gradient descent, then sums of sigmoids / ReLUs with MSE and MAE; PNG plot"; }

    @Override public String help() {
        return """
                  --steps N          gradient-descent steps for y = b + w x (default 100; --lr, default 0.1)
                  --curve-steps N    Adam steps for each curve fit (default 1500)
                  --units N          sigmoids / ReLUs in the sum (default 8)
                  --print-every N    print the loss every N steps (default 10)""";
    }

    @Override public RunSummary run(Options o) {
        Generator.manualSeed(o.seed());
        Random rnd = new Random(o.seed());
        int printEvery = o.integer("print-every", 10);
        long start = System.nanoTime();

        // Part 1: y = b + w x with plain gradient descent.
        int n = 50;
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = -3 + 6 * rnd.nextDouble();
            y[i] = 1.5 + 0.8 * x[i] + 0.3 * rnd.nextGaussian();
        }
        Tensor xs = Tensor.of(toFloat(x), n), ys = Tensor.of(toFloat(y), n);
        Tensor b = Tensor.zeros(1).requiresGrad(true), w = Tensor.zeros(1).requiresGrad(true);
        double[] linearLoss = train(new SGD(List.of(b, w), o.lr(0.1)), o.integer("steps", 100), printEvery, "b + w x",
                () -> F.mseLoss(xs.mul(w).add(b), ys), () -> String.format(Locale.ROOT, "b %.4f  w %.4f", b.item(), w.item()));
        System.out.printf(Locale.ROOT, "fitted y = %.4f + %.4f x (the data was made with 1.5 + 0.8 x + noise)%n", b.item(), w.item());

        // Part 2: a piecewise-linear curve (plus outliers) as a sum of sigmoids or ReLUs, with MSE and with MAE.
        int m = 80;
        double[] cx = new double[m], cy = new double[m];
        for (int i = 0; i < m; i++) {
            cx[i] = -3 + 6.0 * i / (m - 1);
            cy[i] = target(cx[i]) + 0.05 * rnd.nextGaussian() + (i % 20 == 7 ? 3 : 0);
        }
        Tensor cxs = Tensor.of(toFloat(cx), m, 1), cys = Tensor.of(toFloat(cy), m, 1);
        int units = o.integer("units", 8), curveSteps = o.integer("curve-steps", 1500);
        Map<String, double[]> losses = new LinkedHashMap<>(), fits = new LinkedHashMap<>();
        losses.put("b + w x (MSE)", linearLoss);
        for (String act : List.of("sigmoid", "relu")) {
            for (String lossName : List.of("MSE", "MAE")) {
                String label = act + " sum, " + lossName;
                Module model = new Sequential(new Linear(1, units), act.equals("sigmoid") ? new Sigmoid() : new ReLU(), new Linear(units, 1));
                BinaryOperator<Tensor> loss = lossName.equals("MSE") ? F::mseLoss : F::l1Loss;
                losses.put(label, train(new Adam(model.parameters(), 0.02), curveSteps, printEvery * 10, label,
                        () -> loss.apply(model.forward(cxs), cys), () -> ""));
                try (Autograd.NoGrad ignored = Autograd.noGrad(); Tensor fit = model.forward(cxs)) {
                    fits.put(label, toDouble(fit.toFloatArray()));
                }
                System.out.println(label + " fitted parameters: " + describe(model));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Path png = plot(o.outDir().resolve("regression.png"), x, y, b.item(), w.item(), cx, cy, fits, losses);
        System.out.println("plot: " + png.toAbsolutePath());

        RunSummary s = new RunSummary(name(), Backends.defaultBackend().name(), Tensor.defaultDevice().toString())
                .put("linear_b", (double) b.item()).put("linear_w", (double) w.item()).put("train_seconds", seconds).put("plot", png.toString());
        losses.forEach((k, v) -> {
            String key = k.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("_$", "");
            s.put("first_loss_" + key, v[0]).put("final_loss_" + key, v[v.length - 1]);
        });
        s.put("train_loss", linearLoss[linearLoss.length - 1]);
        return s;
    }

    /** Gradient steps on {@code loss}; returns the loss before each step. */
    private static double[] train(Optimizer opt, int steps, int printEvery, String label,
                                  java.util.function.Supplier<Tensor> loss, java.util.function.Supplier<String> params) {
        double[] history = new double[steps];
        for (int s = 0; s < steps; s++) {
            try (Scope ignored = Scope.open()) {
                Tensor l = loss.get();
                history[s] = l.item();
                l.backward();
                opt.step();
                opt.zeroGrad();
            }
            if (s % printEvery == 0 || s == steps - 1) {
                LOG.info(String.format(Locale.ROOT, "%-18s step %5d  loss %.6f  %s", label, s, history[s], params.get()));
            }
        }
        opt.close();
        return history;
    }

    static double target(double x) {
        for (int k = 1; k < KNOTS.length; k++) {
            if (x <= KNOTS[k][0]) {
                double t = (x - KNOTS[k - 1][0]) / (KNOTS[k][0] - KNOTS[k - 1][0]);
                return KNOTS[k - 1][1] + t * (KNOTS[k][1] - KNOTS[k - 1][1]);
            }
        }
        return KNOTS[KNOTS.length - 1][1];
    }

    private static String describe(Module model) {
        StringBuilder sb = new StringBuilder();
        model.namedParameters().forEach((k, v) -> {
            sb.append(k).append('=');
            for (float f : v.toFloatArray()) sb.append(String.format(Locale.ROOT, "%.2f ", f));
        });
        return sb.toString().trim();
    }

    private static Path plot(Path file, double[] x, double[] y, double b, double w, double[] cx, double[] cy,
                             Map<String, double[]> fits, Map<String, double[]> losses) {
        XYChart linear = LinePlots.panel("y = b + w x", "x", "y", false);
        LinePlots.points(linear, "data", x, y);
        LinePlots.line(linear, "fit", new double[]{-3, 3}, new double[]{b - 3 * w, b + 3 * w});
        XYChart curve = LinePlots.panel("sums of sigmoids / ReLUs", "x", "y", false);
        LinePlots.points(curve, "data", cx, cy);
        fits.forEach((k, v) -> LinePlots.line(curve, k, cx, v));
        XYChart loss = LinePlots.panel("loss per step", "step", "loss", true);
        losses.forEach((k, v) -> LinePlots.line(loss, k, LinePlots.steps(v.length), LinePlots.positive(v)));
        return LinePlots.save(file, new ArrayList<>(List.of(linear, curve, loss)));
    }

    static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}

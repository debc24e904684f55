package dev.nabla.samples;

import dev.nabla.layers.Linear;
import dev.nabla.layers.Module;
import dev.nabla.layers.Sequential;
import dev.nabla.layers.activation.Tanh;
import dev.nabla.runtime.Backends;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;
import dev.nabla.trainers.diagnostics.CriticalPoints;
import dev.nabla.trainers.diagnostics.HessianVectorProduct;
import dev.nabla.trainers.diagnostics.LandscapePlots;
import dev.nabla.trainers.diagnostics.Lanczos;
import dev.nabla.trainers.diagnostics.LossLandscape;
import dev.nabla.trainers.diagnostics.ParameterVector;
import dev.nabla.trainers.optim.Adam;
import dev.nabla.trainers.optim.Optimizer;
import dev.nabla.trainers.optim.SGD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Lesson 2: where gradient descent stops. A 1-2-1 tanh network (7 parameters, float64) learns a bump that needs
 * both hidden units. From an asymmetric start it reaches a local minimum. From a symmetric start (both hidden units
 * equal) the gradient keeps them equal, so the network can only act as one unit: it stops at a critical point that
 * is a saddle of the full space. Each end point is classified from its Hessian (Hessian-vector products, Lanczos
 * extremes, the full spectrum, the share of positive eigenvalues); for the saddle, the loss falls along the
 * eigenvector of the negative eigenvalue.
 */
final class CriticalPointsSample implements Sample {
    private static final Logger LOG = LoggerFactory.getLogger(CriticalPointsSample.class);
    /** Parameters in the order of {@code Sequential.parameters()}: hidden weights [2], hidden biases [2], output weights [2], output bias. */
    static final double[] SYMMETRIC_START = {0.5, 0.5, 0.1, 0.1, 0.3, 0.3, 0.0};
    static final double[] ASYMMETRIC_START = {1.0, -0.7, 0.5, -0.3, 0.4, -0.6, 0.1};

    /** What one run found. */
    record Outcome(String start, int steps, double firstLoss, CriticalPoints.Report report, Lanczos.Result lanczos) {}

    @Override public String name() { return "critical-points"; }

    @Override public String description() { return "train until the gradient vanishes, then classify the point by its Hessian (minimum / saddle)"; }

    @Override public String help() {
        return """
                  --start both|symmetric|asymmetric   which starting point(s) (default both)
                  --grad-tol X       stop training when the gradient norm is below X (default 1e-4)
                  --adam-steps N     Adam steps (lr 0.02) before plain gradient descent (default 3000)
                  --gd-steps N       at most N gradient-descent steps (lr --lr, default 0.2) afterwards (default 20000)""";
    }

    @Override public RunSummary run(Options o) {
        String which = o.string("start", "both");
        RunSummary s = new RunSummary(name(), Backends.defaultBackend().name(), Tensor.defaultDevice().toString());
        long t0 = System.nanoTime();
        for (String start : List.of("asymmetric", "symmetric")) {
            if (!which.equals("both") && !which.equals(start)) continue;
            Outcome out = trainAndClassify(start, o);
            System.out.printf(Locale.ROOT, "%n== %s start: %d steps, loss %.4g -> %.4g%n", start, out.steps(), out.firstLoss(), out.report().loss());
            System.out.printf(Locale.ROOT, "Lanczos (%d Hessian-vector products): smallest %.6g, largest %.6g%n",
                    out.lanczos().iterations(), out.lanczos().smallest(), out.lanczos().largest());
            System.out.println("full spectrum: " + format(out.report().eigenvalues()));
            System.out.print(out.report().summary());
            s.put(start + "_verdict", out.report().verdict().name()).put(start + "_loss", out.report().loss())
                    .put(start + "_gradient_norm", out.report().gradientNorm())
                    .put(start + "_smallest_eigenvalue", out.report().smallestEigenvalue())
                    .put(start + "_positive_ratio", out.report().positiveRatio());
        }
        return s.put("train_seconds", (System.nanoTime() - t0) / 1e9);
    }

    /** Trains from the named start until the gradient is tiny, then classifies the point (and plots the descent of a saddle). */
    Outcome trainAndClassify(String start, Options o) {
        double[][] data = bump();
        Tensor x = Tensor.of(data[0], data[0].length, 1), y = Tensor.of(data[1], data[1].length, 1);
        Module net = new Sequential(new Linear(1, 2), new Tanh(), new Linear(2, 1)).to(DType.FLOAT64);
        List<Tensor> params = net.parameters();
        ParameterVector.assign(params, start.equals("symmetric") ? SYMMETRIC_START : ASYMMETRIC_START);
        Supplier<Tensor> loss = () -> F.mseLoss(net.forward(x), y);
        double tol = o.real("grad-tol", 1e-4);
        double firstLoss;
        try (Scope ignored = Scope.open()) {
            firstLoss = loss.get().item();
        }
        int steps = descend(new Adam(params, 0.02), loss, tol, o.integer("adam-steps", 3000), 0);
        steps = descend(new SGD(params, o.lr(0.2)), loss, tol, o.integer("gd-steps", 20_000), steps);

        CriticalPoints.Report report = CriticalPoints.classify(params, loss,
                CriticalPoints.Options.defaults().withGradientTolerance(tol).withSteps(0.25, 0.5, 1.0, 2.0));
        Lanczos.Result lanczos = Lanczos.run(HessianVectorProduct.of(params, loss), params.size() > 0 ? ParameterVector.size(params) : 1, o.seed(), false);
        if (report.descentDirection() != null) {
            Path png = o.outDir().resolve("critical-points-" + start + "-descent.png");
            LandscapePlots.plotCurve(LossLandscape.line(params, loss, report.descentDirection(), -2, 2, 41), png,
                    "loss along the eigenvector of the most negative eigenvalue (" + start + " start)");
            System.out.println("plot: " + png.toAbsolutePath());
        }
        return new Outcome(start, steps, firstLoss, report, lanczos);
    }

    /** Optimiser steps until the gradient norm is below {@code tol}; returns the step count so far. */
    private static int descend(Optimizer opt, Supplier<Tensor> loss, double tol, int maxSteps, int stepsSoFar) {
        int s = stepsSoFar;
        for (int i = 0; i < maxSteps; i++, s++) {
            double norm;
            try (Scope ignored = Scope.open()) {
                Tensor l = loss.get();
                l.backward();
                double sq = 0;
                for (Tensor p : opt.parameters()) sq += p.grad().square().sum().item();
                norm = Math.sqrt(sq);
                if (s % 1000 == 0) LOG.info(String.format(Locale.ROOT, "step %6d  loss %.6g  gradient norm %.3g", s, l.item(), norm));
                if (norm >= tol) opt.step();
                opt.zeroGrad();
            }
            if (norm < tol) break;
        }
        opt.close();
        return s;
    }

    /** 20 points of a bump made of two tanh units: one unit cannot fit it, two can exactly. */
    static double[][] bump() {
        int n = 20;
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = -2 + 4.0 * i / (n - 1);
            y[i] = Math.tanh(2 * (x[i] + 1)) - Math.tanh(2 * (x[i] - 1));
        }
        return new double[][]{x, y};
    }

    private static String format(double[] values) {
        return Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%.4g", v)).toList().toString();
    }
}

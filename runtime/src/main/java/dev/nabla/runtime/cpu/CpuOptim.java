package dev.nabla.runtime.cpu;

import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.OptimChecks;
import dev.nabla.runtime.backend.OptimKernels;

/**
 * Fused optimiser updates: one pass over the parameter, its gradient and its state, float32 and float64
 * loops each in their own dtype's arithmetic (float32 scalars are rounded to float first, as a scalar tensor
 * of the parameter's dtype would be). The operations are those of the trainers' tensor-op rules in the same
 * order, so the results are bit-identical to them; large tensors are split over {@link CpuThreads}.
 */
final class CpuOptim implements OptimKernels {
    /**
     * Elements per task: the loops are memory-bound, small tensors run inline. Adam(W) on two threads of an AVX-512
     * Xeon, alternated call by call: a [384, 128] parameter (49152 elements) took 19 us split in two, 37 us whole
     * (with the earlier grain of 32768); 8192 and 16384 elements the same either way.
     */
    static final int GRAIN = 1 << 13;

    @Override public void sgd(Buffer param, Buffer grad, Buffer momentumBuf, double lr, double momentum, double dampening,
                              double weightDecay, boolean nesterov, boolean firstStep) {
        String op = "sgd";
        OptimChecks.sgd(param, grad, momentumBuf, momentum);
        CpuBuffer p = CpuBuffer.of(param, op), g = CpuBuffer.of(grad, op);
        CpuBuffer b = momentum != 0 ? CpuBuffer.of(momentumBuf, op) : null;
        boolean decay = weightDecay != 0, first = firstStep;
        if (p.f != null) {
            float[] pf = p.f, gf = g.f, bf = b == null ? null : b.f;
            float lrF = (float) lr, mom = (float) momentum, wd = (float) weightDecay, keep = (float) (1 - dampening);
            CpuThreads.parallelFor(p.size, GRAIN, (from, to) -> {
                for (int i = from; i < to; i++) {
                    float pv = pf[i];
                    float d = decay ? gf[i] + pv * wd : gf[i];
                    if (bf != null) {
                        float bv = first ? d : bf[i] * mom + d * keep;
                        bf[i] = bv;
                        d = nesterov ? d + bv * mom : bv;
                    }
                    pf[i] = pv - d * lrF;
                }
            });
        } else {
            double[] pd = p.d, gd = g.d, bd = b == null ? null : b.d;
            double keep = 1 - dampening;
            CpuThreads.parallelFor(p.size, GRAIN, (from, to) -> {
                for (int i = from; i < to; i++) {
                    double pv = pd[i];
                    double d = decay ? gd[i] + pv * weightDecay : gd[i];
                    if (bd != null) {
                        double bv = first ? d : bd[i] * momentum + d * keep;
                        bd[i] = bv;
                        d = nesterov ? d + bv * momentum : bv;
                    }
                    pd[i] = pv - d * lr;
                }
            });
        }
    }

    @Override public void adam(Buffer param, Buffer grad, Buffer expAvg, Buffer expAvgSq, Buffer maxExpAvgSq, double lr,
                               double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
                               double biasCorrection1, double biasCorrection2) {
        String op = decoupled ? "adamw" : "adam";
        OptimChecks.adam(op, param, grad, expAvg, expAvgSq, maxExpAvgSq);
        CpuBuffer p = CpuBuffer.of(param, op), g = CpuBuffer.of(grad, op);
        CpuBuffer m = CpuBuffer.of(expAvg, op), v = CpuBuffer.of(expAvgSq, op);
        CpuBuffer vMax = maxExpAvgSq == null ? null : CpuBuffer.of(maxExpAvgSq, op);
        boolean l2 = !decoupled && weightDecay != 0, shrink = decoupled && weightDecay != 0;
        double stepSize = lr / biasCorrection1, bc2Sqrt = Math.sqrt(biasCorrection2), decayFactor = 1 - lr * weightDecay;
        if (p.f != null) {
            float[] pf = p.f, gf = g.f, mf = m.f, vf = v.f, xf = vMax == null ? null : vMax.f;
            float wd = (float) weightDecay, b1 = (float) beta1, b2 = (float) beta2, c1 = (float) (1 - beta1), c2 = (float) (1 - beta2);
            float e = (float) eps, step = (float) stepSize, bc2 = (float) bc2Sqrt, shrinkBy = (float) decayFactor;
            CpuThreads.parallelFor(p.size, GRAIN, (from, to) -> {
                for (int i = from; i < to; i++) {
                    float pv = pf[i];
                    if (shrink) pv = pv * shrinkBy;
                    float gv = l2 ? gf[i] + pv * wd : gf[i];
                    float mv = mf[i] * b1 + gv * c1;
                    float vv = vf[i] * b2 + gv * gv * c2;
                    mf[i] = mv;
                    vf[i] = vv;
                    if (xf != null) {
                        vv = Math.max(xf[i], vv);
                        xf[i] = vv;
                    }
                    float denom = (float) Math.sqrt(vv) / bc2 + e;
                    pf[i] = pv - mv / denom * step;
                }
            });
        } else {
            double[] pd = p.d, gd = g.d, md = m.d, vd = v.d, xd = vMax == null ? null : vMax.d;
            double c1 = 1 - beta1, c2 = 1 - beta2;
            CpuThreads.parallelFor(p.size, GRAIN, (from, to) -> {
                for (int i = from; i < to; i++) {
                    double pv = pd[i];
                    if (shrink) pv = pv * decayFactor;
                    double gv = l2 ? gd[i] + pv * weightDecay : gd[i];
                    double mv = md[i] * beta1 + gv * c1;
                    double vv = vd[i] * beta2 + gv * gv * c2;
                    md[i] = mv;
                    vd[i] = vv;
                    if (xd != null) {
                        vv = Math.max(xd[i], vv);
                        xd[i] = vv;
                    }
                    double denom = Math.sqrt(vv) / bc2Sqrt + eps;
                    pd[i] = pv - mv / denom * stepSize;
                }
            });
        }
    }

    @Override public void adagrad(Buffer param, Buffer grad, Buffer sum, double clr, double weightDecay, double eps) {
        String op = "adagrad";
        OptimChecks.adagrad(param, grad, sum);
        CpuBuffer p = CpuBuffer.of(param, op), g = CpuBuffer.of(grad, op), s = CpuBuffer.of(sum, op);
        boolean decay = weightDecay != 0;
        if (p.f != null) {
            float[] pf = p.f, gf = g.f, sf = s.f;
            float wd = (float) weightDecay, e = (float) eps, lr = (float) clr;
            CpuThreads.parallelFor(p.size, GRAIN, (from, to) -> {
                for (int i = from; i < to; i++) {
                    float pv = pf[i];
                    float gv = decay ? gf[i] + pv * wd : gf[i];
                    float sv = sf[i] + gv * gv;
                    sf[i] = sv;
                    pf[i] = pv - gv / ((float) Math.sqrt(sv) + e) * lr;
                }
            });
        } else {
            double[] pd = p.d, gd = g.d, sd = s.d;
            CpuThreads.parallelFor(p.size, GRAIN, (from, to) -> {
                for (int i = from; i < to; i++) {
                    double pv = pd[i];
                    double gv = decay ? gd[i] + pv * weightDecay : gd[i];
                    double sv = sd[i] + gv * gv;
                    sd[i] = sv;
                    pd[i] = pv - gv / (Math.sqrt(sv) + eps) * clr;
                }
            });
        }
    }

    @Override public void rmsprop(Buffer param, Buffer grad, Buffer squareAvg, Buffer momentumBuf, Buffer gradAvg, double lr,
                                  double alpha, double eps, double weightDecay, double momentum, boolean centered) {
        String op = "rmsprop";
        OptimChecks.rmsprop(param, grad, squareAvg, momentumBuf, gradAvg, momentum, centered);
        CpuBuffer p = CpuBuffer.of(param, op), g = CpuBuffer.of(grad, op), sq = CpuBuffer.of(squareAvg, op);
        CpuBuffer b = momentum > 0 ? CpuBuffer.of(momentumBuf, op) : null;
        CpuBuffer ga = centered ? CpuBuffer.of(gradAvg, op) : null;
        boolean decay = weightDecay != 0;
        if (p.f != null) {
            float[] pf = p.f, gf = g.f, sf = sq.f, bf = b == null ? null : b.f, af = ga == null ? null : ga.f;
            float wd = (float) weightDecay, a = (float) alpha, c = (float) (1 - alpha), e = (float) eps, mom = (float) momentum, lrF = (float) lr;
            CpuThreads.parallelFor(p.size, GRAIN, (from, to) -> {
                for (int i = from; i < to; i++) {
                    float pv = pf[i];
                    float gv = decay ? gf[i] + pv * wd : gf[i];
                    float sv = sf[i] * a + gv * gv * c;
                    sf[i] = sv;
                    float avg;
                    if (af != null) {
                        float av = af[i] * a + gv * c;
                        af[i] = av;
                        avg = (float) Math.sqrt(sv - av * av) + e;
                    } else {
                        avg = (float) Math.sqrt(sv) + e;
                    }
                    if (bf != null) {
                        float bv = bf[i] * mom + gv / avg;
                        bf[i] = bv;
                        pf[i] = pv - bv * lrF;
                    } else {
                        pf[i] = pv - gv / avg * lrF;
                    }
                }
            });
        } else {
            double[] pd = p.d, gd = g.d, sd = sq.d, bd = b == null ? null : b.d, ad = ga == null ? null : ga.d;
            double c = 1 - alpha;
            CpuThreads.parallelFor(p.size, GRAIN, (from, to) -> {
                for (int i = from; i < to; i++) {
                    double pv = pd[i];
                    double gv = decay ? gd[i] + pv * weightDecay : gd[i];
                    double sv = sd[i] * alpha + gv * gv * c;
                    sd[i] = sv;
                    double avg;
                    if (ad != null) {
                        double av = ad[i] * alpha + gv * c;
                        ad[i] = av;
                        avg = Math.sqrt(sv - av * av) + eps;
                    } else {
                        avg = Math.sqrt(sv) + eps;
                    }
                    if (bd != null) {
                        double bv = bd[i] * momentum + gv / avg;
                        bd[i] = bv;
                        pd[i] = pv - bv * lr;
                    } else {
                        pd[i] = pv - gv / avg * lr;
                    }
                }
            });
        }
    }
}

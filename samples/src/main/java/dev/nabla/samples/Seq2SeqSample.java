package dev.nabla.samples;

import dev.nabla.layers.Embedding;
import dev.nabla.layers.Linear;
import dev.nabla.layers.Module;
import dev.nabla.layers.attention.PositionalEncoding;
import dev.nabla.layers.attention.Transformer;
import dev.nabla.layers.attention.TransformerOptions;
import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.Backends;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.nn.Reduction;
import dev.nabla.runtime.random.Generator;
import dev.nabla.trainers.optim.AdamW;
import dev.nabla.trainers.optim.GradClip;
import dev.nabla.trainers.schedule.CosineAnnealing;
import dev.nabla.trainers.schedule.LinearWarmup;
import dev.nabla.trainers.schedule.LrScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Lesson 7: an encoder-decoder Transformer learns to reverse digit strings ("31415" -> "51413"), with strings made
 * on the fly. Trained with teacher forcing (the decoder reads the true previous digits); evaluated on held-out
 * strings that training never sees, decoded greedily and with beam search, by exact match.
 */
final class Seq2SeqSample implements Sample {
    private static final Logger LOG = LoggerFactory.getLogger(Seq2SeqSample.class);
    static final int PAD = 0, BOS = 1, EOS = 2, VOCAB = 13;

    /** Source and target embeddings + sinusoidal positions -> nn.Transformer -> logits over the tokens. */
    static final class Reverser extends Module {
        final Embedding srcEmbed, tgtEmbed;
        final PositionalEncoding positions;
        final Transformer transformer;
        final Linear head;

        Reverser(int dModel, int heads, int layers, int ff) {
            srcEmbed = registerModule("src_embed", new Embedding(VOCAB, dModel));
            tgtEmbed = registerModule("tgt_embed", new Embedding(VOCAB, dModel));
            positions = registerModule("positions", new PositionalEncoding(dModel, 64, 0.0));
            transformer = registerModule("transformer", new Transformer(dModel, heads, layers, layers,
                    TransformerOptions.defaults().withDimFeedforward(ff).withDropout(0.0)));
            head = registerModule("head", new Linear(dModel, VOCAB));
        }

        Tensor encode(Tensor src, Tensor srcPad) {
            return transformer.encoder().forward(positions.call(srcEmbed.call(src)), srcPad, false);
        }

        /** Logits [b, t, VOCAB] for every prefix of {@code tgtIn} (causal). */
        Tensor decode(Tensor tgtIn, Tensor memory, Tensor srcPad) {
            return head.call(transformer.decoder().forward(positions.call(tgtEmbed.call(tgtIn)), memory, null, srcPad, true));
        }
    }

    /** A batch: source ids [b, maxLen], its padding mask, decoder input (BOS + reversed) and target (reversed + EOS). */
    record Batch(Tensor src, Tensor srcPad, Tensor tgtIn, Tensor tgtOut) {}

    @Override public String name() { return "seq2seq"; }

    @Override public String description() { return "encoder-decoder Transformer reversing digit strings; greedy and beam-search exact match"; }

    @Override public String help() {
        return """
                  --steps N          training steps (default 400)
                  --min-len N        shortest string (default 3); --max-len N longest (default 8)
                  --d-model N        width (default 64); --heads N (4); --layers N per stack (2); --ff N (128)
                  --eval N           held-out strings for greedy decoding (default 500)
                  --beam N           beam width (default 4); --beam-eval N strings decoded by beam search (default 100)
                  (--batch-size default 64, --lr default 1e-3)""";
    }

    @Override public RunSummary run(Options o) {
        int minLen = o.integer("min-len", 3), maxLen = o.integer("max-len", 8), steps = o.integer("steps", 400), batch = o.batchSize(64);
        Random rnd = new Random(o.seed());
        List<int[]> heldOut = new ArrayList<>();
        Set<String> heldOutKeys = new HashSet<>();
        while (heldOut.size() < o.integer("eval", 500)) {
            int[] s = digits(rnd, minLen, maxLen);
            if (heldOutKeys.add(key(s))) heldOut.add(s);
        }
        Generator.manualSeed(o.seed());
        Reverser model = new Reverser(o.integer("d-model", 64), o.integer("heads", 4), o.integer("layers", 2), o.integer("ff", 128));
        LOG.info("{} parameters", model.parameterCount());
        double lr = o.lr(1e-3);
        AdamW opt = new AdamW(model.parameters(), AdamW.Options.defaults().lr(lr).weightDecay(0.01));
        long warm = Math.min(100, Math.max(1, steps / 10));
        LrScheduler sched = new LrScheduler(opt, new LinearWarmup(warm, 0.01, new CosineAnnealing(Math.max(1, steps - warm), lr / 20)));

        double firstLoss = Double.NaN, recent = 0;
        int recentN = 0;
        long t0 = System.nanoTime();
        for (int step = 0; step < steps; step++) {
            List<int[]> strings = new ArrayList<>(batch);
            while (strings.size() < batch) {
                int[] s = digits(rnd, minLen, maxLen);
                if (!heldOutKeys.contains(key(s))) strings.add(s);
            }
            try (Scope ignored = Scope.open()) {
                Batch b = batch(strings, maxLen);
                Tensor logits = model.decode(b.tgtIn(), model.encode(b.src(), b.srcPad()), b.srcPad());
                Tensor loss = F.crossEntropy(logits.reshape(batch * (maxLen + 1), VOCAB), b.tgtOut().reshape(batch * (maxLen + 1)),
                        Reduction.MEAN, PAD, 0.0);
                double l = loss.item();
                if (Double.isNaN(firstLoss)) firstLoss = l;
                recent += l;
                recentN++;
                loss.backward();
                GradClip.byNorm(opt.parameters(), 1.0);
                opt.step();
                opt.zeroGrad();
                sched.step();
            }
            if ((step + 1) % 100 == 0 || step == steps - 1) {
                LOG.info(String.format(Locale.ROOT, "step %5d  loss %.4f  lr %.2e", step + 1, recent / recentN, sched.lastLr()));
                if (step < steps - 1) {
                    recent = 0;
                    recentN = 0;
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        model.eval();
        long e0 = System.nanoTime();
        double greedy = exactMatch(heldOut, greedy(model, heldOut, maxLen));
        int beamN = Math.min(o.integer("beam-eval", 100), heldOut.size()), width = o.integer("beam", 4);
        List<int[]> beamSet = heldOut.subList(0, beamN);
        List<int[]> beamOut = new ArrayList<>();
        for (int[] s : beamSet) beamOut.add(beam(model, s, maxLen, width));
        double beam = beamN == 0 ? Double.NaN : exactMatch(beamSet, beamOut);
        double evalSeconds = (System.nanoTime() - e0) / 1e9;
        List<int[]> shown = greedy(model, heldOut.subList(0, 5), maxLen);
        for (int i = 0; i < shown.size(); i++) System.out.println("  " + key(heldOut.get(i)) + " -> " + key(shown.get(i)));
        System.out.printf(Locale.ROOT, "held-out exact match: greedy %.1f%% (%d strings), beam search (width %d) %.1f%% (%d strings)%n",
                100 * greedy, heldOut.size(), width, 100 * beam, beamN);
        System.out.printf(Locale.ROOT, "training %.1f s (%d steps, %.0f strings/s), evaluation %.1f s%n", seconds, steps, steps * batch / seconds, evalSeconds);
        opt.close();
        return new RunSummary(name(), Backends.defaultBackend().name(), Tensor.defaultDevice().toString())
                .put("steps", steps).put("first_train_loss", firstLoss).put("train_loss", recent / Math.max(1, recentN))
                .put("test_accuracy", greedy).put("greedy_exact_match", greedy).put("beam_exact_match", beam)
                .put("train_seconds", seconds).put("samples_per_second", steps * batch / seconds).put("eval_seconds", evalSeconds);
    }

    static int[] digits(Random rnd, int minLen, int maxLen) {
        int[] s = new int[minLen + rnd.nextInt(maxLen - minLen + 1)];
        for (int i = 0; i < s.length; i++) s[i] = rnd.nextInt(10);
        return s;
    }

    static String key(int[] digits) {
        StringBuilder sb = new StringBuilder();
        for (int d : digits) sb.append(d);
        return sb.toString();
    }

    static Batch batch(List<int[]> strings, int maxLen) {
        int b = strings.size(), t = maxLen + 1;
        long[] src = new long[b * maxLen], in = new long[b * t], out = new long[b * t];
        float[] pad = new float[b * maxLen];
        for (int i = 0; i < b; i++) {
            int[] s = strings.get(i);
            for (int j = 0; j < maxLen; j++) {
                src[i * maxLen + j] = j < s.length ? s[j] + 3 : PAD;
                pad[i * maxLen + j] = j < s.length ? 0 : 1;
            }
            in[i * t] = BOS;
            for (int j = 0; j < s.length; j++) {
                in[i * t + j + 1] = s[s.length - 1 - j] + 3;
                out[i * t + j] = s[s.length - 1 - j] + 3;
            }
            out[i * t + s.length] = EOS;
        }
        return new Batch(Tensor.of(src, b, maxLen), Tensor.of(pad, b, maxLen), Tensor.of(in, b, t), Tensor.of(out, b, t));
    }

    /** Greedy decoding of every string at once: the most likely next digit until EOS (or maxLen + 1 tokens). */
    static List<int[]> greedy(Reverser model, List<int[]> strings, int maxLen) {
        int b = strings.size();
        long[][] outs = new long[b][maxLen + 2];
        try (Autograd.NoGrad ignored = Autograd.noGrad(); Scope scope = Scope.open()) {
            Batch in = batch(strings, maxLen);
            Tensor memory = model.encode(in.src(), in.srcPad());
            long[] ys = new long[b];
            java.util.Arrays.fill(ys, BOS);
            for (int t = 1; t <= maxLen + 1; t++) {
                try (Scope step = Scope.open()) {
                    Tensor logits = model.decode(Tensor.of(ys, b, t), memory, in.srcPad());
                    long[] next = logits.narrow(1, t - 1, 1).argmax(2, false).toLongArray();
                    long[] grown = new long[b * (t + 1)];
                    for (int i = 0; i < b; i++) {
                        System.arraycopy(ys, i * t, grown, i * (t + 1), t);
                        grown[i * (t + 1) + t] = next[i];
                        outs[i][t] = next[i];
                    }
                    ys = grown;
                }
            }
        }
        List<int[]> result = new ArrayList<>();
        for (long[] o : outs) result.add(untilEos(o, 1));
        return result;
    }

    /** Beam search for one string: keeps the {@code width} most likely prefixes (sum of log-probabilities). */
    static int[] beam(Reverser model, int[] string, int maxLen, int width) {
        record Hyp(long[] tokens, double score, boolean done) {}
        List<Hyp> beams = List.of(new Hyp(new long[]{BOS}, 0, false));
        try (Autograd.NoGrad ignored = Autograd.noGrad(); Scope scope = Scope.open()) {
            Batch in = batch(List.of(string), maxLen);
            Tensor memory = model.encode(in.src(), in.srcPad());
            for (int t = 1; t <= maxLen + 1 && beams.stream().anyMatch(h -> !h.done()); t++) {
                List<Hyp> open = beams.stream().filter(h -> !h.done()).toList();
                List<Hyp> next = new ArrayList<>(beams.stream().filter(Hyp::done).toList());
                int k = open.size();
                long[] ids = new long[k * t];
                for (int i = 0; i < k; i++) System.arraycopy(open.get(i).tokens(), 0, ids, i * t, t);
                try (Scope step = Scope.open()) {
                    Tensor logits = model.decode(Tensor.of(ids, k, t), memory.expand(k, memory.dim(1), memory.dim(2)),
                            in.srcPad().expand(k, maxLen));
                    float[] logp = logits.narrow(1, t - 1, 1).logSoftmax(2).toFloatArray();
                    for (int i = 0; i < k; i++) {
                        for (int v = PAD + 1; v < VOCAB; v++) {
                            long[] tokens = java.util.Arrays.copyOf(open.get(i).tokens(), t + 1);
                            tokens[t] = v;
                            next.add(new Hyp(tokens, open.get(i).score() + logp[i * VOCAB + v], v == EOS));
                        }
                    }
                }
                next.sort((a, b) -> Double.compare(b.score(), a.score()));
                beams = next.subList(0, Math.min(width, next.size()));
            }
        }
        return untilEos(beams.get(0).tokens(), 1);
    }

    /** The digits of {@code tokens} from {@code from} up to the first EOS (or any non-digit). */
    static int[] untilEos(long[] tokens, int from) {
        int n = 0;
        while (from + n < tokens.length && tokens[from + n] >= 3) n++;
        int[] d = new int[n];
        for (int i = 0; i < n; i++) d[i] = (int) tokens[from + i] - 3;
        return d;
    }

    static double exactMatch(List<int[]> strings, List<int[]> decoded) {
        int ok = 0;
        for (int i = 0; i < strings.size(); i++) {
            int[] s = strings.get(i), r = new int[s.length];
            for (int j = 0; j < s.length; j++) r[j] = s[s.length - 1 - j];
            if (java.util.Arrays.equals(r, decoded.get(i))) ok++;
        }
        return (double) ok / strings.size();
    }
}

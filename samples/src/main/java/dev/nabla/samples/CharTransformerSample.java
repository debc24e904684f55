package dev.nabla.samples;

import dev.nabla.layers.Embedding;
import dev.nabla.layers.Linear;
import dev.nabla.layers.Module;
import dev.nabla.layers.attention.LearnedPositionalEmbedding;
import dev.nabla.layers.attention.PositionalEncoding;
import dev.nabla.layers.attention.TransformerEncoder;
import dev.nabla.layers.attention.TransformerOptions;
import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.Backends;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.random.Generator;
import dev.nabla.trainers.optim.AdamW;
import dev.nabla.trainers.optim.GradClip;
import dev.nabla.trainers.schedule.CosineAnnealing;
import dev.nabla.trainers.schedule.LinearWarmup;
import dev.nabla.trainers.schedule.LrScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Lesson 6: a character-level language model, decoder-only (GPT-like): token embedding + learned or sinusoidal
 * positions, pre-norm transformer blocks with causal self-attention, a linear head over the characters. Trained
 * on random windows of a text with AdamW, linear warm-up then cosine decay, and gradient clipping; after every
 * epoch it prints text sampled with a temperature and top-k.
 */
final class CharTransformerSample implements Sample {
    private static final Logger LOG = LoggerFactory.getLogger(CharTransformerSample.class);
    static final Path FORTUNES = Path.of("/usr/share/games/fortunes");
    static final String BUILTIN = """
            It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of
            foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the season of Light,
            it was the season of Darkness, it was the spring of hope, it was the winter of despair, we had
            everything before us, we had nothing before us, we were all going direct to Heaven, we were all going
            direct the other way.
            There were a king with a large jaw and a queen with a plain face, on the throne of England; there
            were a king with a large jaw and a queen with a fair face, on the throne of France. In both countries
            it was clearer than crystal to the lords of the State preserves of loaves and fishes, that things in
            general were settled for ever.
            """;

    /** Embedding + positions -> causal transformer blocks -> logits over the characters. */
    static final class CharLM extends Module {
        final Embedding tokens;
        final Module positions;
        final TransformerEncoder blocks;
        final Linear head;

        CharLM(int vocab, int dModel, int heads, int layers, int block, boolean learnedPositions, double dropout) {
            tokens = registerModule("tokens", new Embedding(vocab, dModel));
            positions = registerModule("positions", learnedPositions
                    ? new LearnedPositionalEmbedding(block, dModel) : new PositionalEncoding(dModel, block, dropout));
            TransformerOptions opts = TransformerOptions.defaults().withDimFeedforward(4 * dModel).withDropout(dropout)
                    .withActivation(TransformerOptions.Activation.GELU).withNormFirst(true);
            blocks = registerModule("blocks", new TransformerEncoder(dModel, heads, layers, opts, true));
            head = registerModule("head", new Linear(dModel, vocab));
        }

        /** ids [b, t] -> logits [b, t, vocab]. */
        @Override public Tensor forward(Tensor ids) {
            return head.call(blocks.forward(positions.call(tokens.call(ids)), null, true));
        }
    }

    @Override public String name() { return "char-transformer"; }

    @Override public String description() { return "decoder-only Transformer language model on a text file; samples every epoch"; }

    @Override public String help() {
        return """
                  --text FILE|builtin  the text (default: the Debian fortunes in /usr/share/games/fortunes, else a built-in one)
                  --positions learned|sinusoidal   position encoding (default learned)
                  --block N          context length (default 64)
                  --d-model N        width (default 64); --heads N (4); --layers N (2); --dropout X (0.1)
                  --steps N          optimiser steps per epoch (default 200)
                  --warmup N         warm-up steps (default 100)
                  --temperature X    sampling temperature (default 0.8); --top-k N (default 10)
                  --sample-length N  characters generated after each epoch (default 200)
                  (--epochs default 3, --batch-size default 32, --lr default 2e-3)""";
    }

    @Override public RunSummary run(Options o) throws IOException {
        String text = loadText(o.string("text", null));
        TreeSet<Character> chars = new TreeSet<>();
        for (char c : text.toCharArray()) chars.add(c);
        char[] vocab = new char[chars.size()];
        int v = 0;
        for (char c : chars) vocab[v++] = c;
        int[] ids = new int[text.length()];
        for (int i = 0; i < ids.length; i++) ids[i] = java.util.Arrays.binarySearch(vocab, text.charAt(i));
        int split = (int) (ids.length * 0.9);
        int block = o.integer("block", 64), batch = o.batchSize(32), epochs = o.epochs(3), steps = o.integer("steps", 200);
        if (split <= block + 1 || ids.length - split <= block + 1) {
            throw new IllegalArgumentException("the text (" + ids.length + " characters) is too short for --block " + block);
        }
        LOG.info("text: {} characters, {} distinct; train {} / validation {}", ids.length, vocab.length, split, ids.length - split);

        Generator.manualSeed(o.seed());
        Random rnd = new Random(o.seed());
        CharLM model = new CharLM(vocab.length, o.integer("d-model", 64), o.integer("heads", 4), o.integer("layers", 2), block,
                !o.string("positions", "learned").equals("sinusoidal"), o.real("dropout", 0.1));
        LOG.info("{} parameters, {} positions", model.parameterCount(), o.string("positions", "learned"));
        double lr = o.lr(2e-3);
        AdamW opt = new AdamW(model.parameters(), AdamW.Options.defaults().lr(lr).weightDecay(0.01));
        long total = (long) epochs * steps, warm = Math.min(o.integer("warmup", 100), Math.max(1, total / 2));
        LrScheduler sched = new LrScheduler(opt, new LinearWarmup(warm, 0.01, new CosineAnnealing(Math.max(1, total - warm), lr / 10)));

        double firstLoss = Double.NaN, lastLoss = Double.NaN, valLoss = Double.NaN;
        long t0 = System.nanoTime();
        for (int e = 0; e < epochs; e++) {
            model.train();
            double sum = 0;
            for (int s = 0; s < steps; s++) {
                try (Scope ignored = Scope.open()) {
                    Tensor[] xy = windows(ids, 0, split, block, batch, rnd);
                    Tensor loss = lmLoss(model, xy[0], xy[1]);
                    double l = loss.item();
                    if (Double.isNaN(firstLoss)) firstLoss = l;
                    sum += l;
                    loss.backward();
                    GradClip.byNorm(opt.parameters(), 1.0);
                    opt.step();
                    opt.zeroGrad();
                    sched.step();
                    if (s % 50 == 0) LOG.info(String.format(Locale.ROOT, "epoch %d step %4d  loss %.4f  lr %.2e", e, s, l, sched.lastLr()));
                }
            }
            lastLoss = sum / steps;
            valLoss = validationLoss(model, ids, split, block, batch, o.seed());
            System.out.printf(Locale.ROOT, "%nepoch %d: train loss %.4f, validation loss %.4f (%.3f bits/char)%n", e, lastLoss, valLoss, valLoss / Math.log(2));
            System.out.println("--- sample (temperature " + o.real("temperature", 0.8) + ", top-k " + o.integer("top-k", 10) + ") ---");
            System.out.println(generate(model, vocab, ids, split, block, o.integer("sample-length", 200),
                    o.real("temperature", 0.8), o.integer("top-k", 10), rnd));
            System.out.println("---");
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        opt.close();
        return new RunSummary(name(), Backends.defaultBackend().name(), Tensor.defaultDevice().toString())
                .put("epochs", epochs).put("first_train_loss", firstLoss).put("train_loss", lastLoss).put("val_loss", valLoss)
                .put("train_seconds", seconds).put("tokens_per_second", (double) epochs * steps * batch * block / seconds)
                .put("parameters", model.parameterCount());
    }

    static Tensor lmLoss(CharLM model, Tensor x, Tensor y) {
        Tensor logits = model.forward(x);
        int b = x.dim(0), t = x.dim(1);
        return F.crossEntropy(logits.reshape(b * t, logits.dim(2)), y.reshape(b * t));
    }

    /** {@code batch} random windows of {@code block + 1} characters from ids[from, to): inputs and next-character targets. */
    static Tensor[] windows(int[] ids, int from, int to, int block, int batch, Random rnd) {
        long[] x = new long[batch * block], y = new long[batch * block];
        for (int b = 0; b < batch; b++) {
            int start = from + rnd.nextInt(to - from - block - 1);
            for (int t = 0; t < block; t++) {
                x[b * block + t] = ids[start + t];
                y[b * block + t] = ids[start + t + 1];
            }
        }
        return new Tensor[]{Tensor.of(x, batch, block), Tensor.of(y, batch, block)};
    }

    /** Mean loss on 8 fixed batches of the held-out tail. */
    static double validationLoss(CharLM model, int[] ids, int split, int block, int batch, long seed) {
        model.eval();
        Random rnd = new Random(seed + 1);
        double sum = 0;
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (int i = 0; i < 8; i++) {
                try (Scope s = Scope.open()) {
                    Tensor[] xy = windows(ids, split, ids.length, block, batch, rnd);
                    sum += lmLoss(model, xy[0], xy[1]).item();
                }
            }
        }
        model.train();
        return sum / 8;
    }

    /** Continues a held-out prompt one character at a time: softmax(logits / temperature) over the top-k characters. */
    static String generate(CharLM model, char[] vocab, int[] ids, int split, int block, int length, double temperature, int topK, Random rnd) {
        model.eval();
        int promptLen = Math.min(16, block / 2);
        int start = split + rnd.nextInt(ids.length - split - promptLen);
        int[] ctx = new int[promptLen + length];
        System.arraycopy(ids, start, ctx, 0, promptLen);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < promptLen; i++) out.append(vocab[ctx[i]]);
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (int n = promptLen; n < ctx.length; n++) {
                int from = Math.max(0, n - block);
                long[] window = new long[n - from];
                for (int i = from; i < n; i++) window[i - from] = ctx[i];
                float[] logits;
                try (Scope s = Scope.open()) {
                    Tensor all = model.forward(Tensor.of(window, 1, window.length));
                    logits = all.narrow(1, window.length - 1, 1).toFloatArray();
                }
                ctx[n] = sample(logits, temperature, topK, rnd);
                out.append(vocab[ctx[n]]);
            }
        }
        model.train();
        return out.toString();
    }

    /** Draws an index from softmax(logits / temperature) restricted to the {@code topK} largest logits. */
    static int sample(float[] logits, double temperature, int topK, Random rnd) {
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        int k = Math.max(1, Math.min(topK <= 0 ? logits.length : topK, logits.length));
        double[] p = new double[k];
        double sum = 0;
        for (int i = 0; i < k; i++) sum += p[i] = Math.exp((logits[order[i]] - logits[order[0]]) / Math.max(temperature, 1e-6));
        double r = rnd.nextDouble() * sum;
        for (int i = 0; i < k; i++) {
            r -= p[i];
            if (r <= 0) return order[i];
        }
        return order[k - 1];
    }

    /** --text FILE, "builtin", or by default the fortunes files (the '%' separators become blank lines). */
    static String loadText(String option) throws IOException {
        if ("builtin".equals(option)) return BUILTIN;
        if (option != null) return Files.readString(Path.of(option), StandardCharsets.UTF_8);
        if (Files.isDirectory(FORTUNES)) {
            StringBuilder sb = new StringBuilder();
            try (Stream<Path> files = Files.list(FORTUNES)) {
                for (Path p : files.sorted().filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        && !p.getFileName().toString().contains(".")).toList()) {
                    sb.append(new String(Files.readAllBytes(p), StandardCharsets.UTF_8).replace("\n%\n", "\n\n"));
                }
            }
            if (sb.length() > 0) {
                LOG.info("text: the fortunes in {}", FORTUNES);
                return sb.toString();
            }
        }
        LOG.warn("no --text and no fortunes in {} (apt-get install fortunes-min); using a short built-in text", FORTUNES);
        return BUILTIN;
    }
}

package dev.nabla.trainers.data;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Mini-batches over a {@link Dataset}. With shuffle, each epoch uses a fresh permutation drawn from
 * (seed, epoch), so epoch e is the same whether the run was resumed or not. A background thread prepares
 * the next batch's host arrays (reading and augmenting examples) while the current one trains; tensors
 * are created on the caller's thread, inside the caller's scope.
 *
 * <pre>{@code
 * DataLoader loader = DataLoader.builder(train).batchSize(128).shuffle(true).seed(0).build();
 * for (Batch b : loader.epoch(0)) { try (b) { ... } }
 * }</pre>
 */
public final class DataLoader implements AutoCloseable {
    private static final float[] EMPTY = new float[0];
    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final long seed;
    private final Transform transform;
    private final Device device;
    private final boolean prefetch;

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.seed = b.seed;
        this.transform = b.transform;
        this.device = b.device;
        this.prefetch = b.prefetch;
    }

    public static Builder builder(Dataset dataset) { return new Builder(dataset); }

    /**
     * One daemon thread per loader, shared by its epochs: an epoch abandoned early (early stopping, a NaN
     * guard) leaves at most two batches in flight on it rather than a thread of its own.
     */
    private ExecutorService worker;

    private synchronized ExecutorService prefetchWorker() {
        if (worker == null) {
            worker = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "nabla-data-loader");
                t.setDaemon(true);
                return t;
            });
        }
        return worker;
    }

    /** Stops the prefetch thread; a later epoch starts a new one. */
    @Override public synchronized void close() {
        if (worker != null) {
            worker.shutdownNow();
            worker = null;
        }
    }

    public static final class Builder {
        private final Dataset dataset;
        private int batchSize = 32;
        private boolean shuffle;
        private boolean dropLast;
        private long seed;
        private Transform transform;
        private Device device;
        private boolean prefetch = true;

        private Builder(Dataset dataset) {
            if (dataset == null) throw new InvalidArgumentException("DataLoader: dataset must not be null");
            this.dataset = dataset;
        }

        public Builder batchSize(int n) {
            if (n <= 0) throw new InvalidArgumentException("DataLoader: batch size must be > 0, got " + n);
            batchSize = n;
            return this;
        }

        public Builder shuffle(boolean v) { shuffle = v; return this; }

        public Builder dropLast(boolean v) { dropLast = v; return this; }

        public Builder seed(long v) { seed = v; return this; }

        /** Applied to each example's input after reading (augmentation, normalisation). */
        public Builder transform(Transform t) { transform = t; return this; }

        /** Device of the batch tensors (default: the default backend's). */
        public Builder device(Device d) { device = d; return this; }

        /** Whether a background thread prepares the next batch (default true). */
        public Builder prefetch(boolean v) { prefetch = v; return this; }

        public DataLoader build() { return new DataLoader(this); }
    }

    public Dataset dataset() { return dataset; }

    public int batchSize() { return batchSize; }

    /** Number of batches per epoch. */
    public int batchesPerEpoch() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The example order of {@code epoch}. */
    public int[] order(int epoch) {
        if (!shuffle) {
            int[] p = new int[dataset.size()];
            for (int i = 0; i < p.length; i++) p[i] = i;
            return p;
        }
        return Subset.permutation(dataset.size(), new SplittableRandom(mix(seed, epoch)));
    }

    /** The batches of one epoch, in order. */
    public Iterable<Batch> epoch(int epoch) { return epoch(epoch, 0); }

    /**
     * The batches of {@code epoch} from batch {@code fromBatch} on: the same batches as the tail of
     * {@link #epoch(int)}, without preparing the skipped ones (a resumed run continues mid-epoch with it).
     */
    public Iterable<Batch> epoch(int epoch, int fromBatch) {
        if (fromBatch < 0 || fromBatch > batchesPerEpoch()) {
            throw new InvalidArgumentException("DataLoader: start batch " + fromBatch + " is outside 0.." + batchesPerEpoch());
        }
        return () -> new EpochIterator(epoch, fromBatch);
    }

    private static long mix(long seed, long salt) {
        long z = seed * 0x9E3779B97F4A7C15L + salt * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private record HostBatch(int size, float[] inputs, float[] targets) {}

    private HostBatch assemble(int epoch, int[] order, int batch) {
        int from = batch * batchSize;
        int size = Math.min(batchSize, order.length - from);
        int inLen = (int) dataset.inputShape().numel(), tLen = (int) dataset.targetShape().numel();
        float[] in = new float[size * inLen];
        float[] tg = tLen == 0 ? EMPTY : new float[size * tLen];
        for (int i = 0; i < size; i++) {
            int idx = order[from + i];
            dataset.read(idx, in, i * inLen, tg, i * tLen);
            if (transform != null) transform.apply(in, i * inLen, new SplittableRandom(mix(mix(seed, epoch), idx)));
        }
        return new HostBatch(size, in, tg);
    }

    private Batch toTensors(HostBatch h) {
        Device d = device != null ? device : Tensor.defaultDevice();
        int[] inDims = prepend(h.size, dataset.inputShape());
        int[] tDims = prepend(h.size, dataset.targetShape());
        Tensor x = Tensor.of(h.inputs, Shape.of(inDims), DType.FLOAT32, d);
        Tensor y = Tensor.of(h.targets, Shape.of(tDims), dataset.targetDType(), d);
        return new Batch(x, y);
    }

    private static int[] prepend(int n, Shape s) {
        int[] out = new int[s.rank() + 1];
        out[0] = n;
        System.arraycopy(s.dims(), 0, out, 1, s.rank());
        return out;
    }

    private final class EpochIterator implements Iterator<Batch> {
        private final int epoch;
        private final int[] order;
        private final int count = batchesPerEpoch();
        private int next;
        private final ExecutorService worker;
        private final BlockingQueue<Future<HostBatch>> ahead = new ArrayBlockingQueue<>(2);
        private int submitted;

        EpochIterator(int epoch, int fromBatch) {
            this.epoch = epoch;
            this.order = order(epoch);
            this.next = fromBatch;
            this.submitted = fromBatch;
            this.worker = prefetch && count - fromBatch > 1 ? prefetchWorker() : null;
            fill();
        }

        private void fill() {
            if (worker == null) return;
            while (submitted < count && ahead.remainingCapacity() > 0) {
                int b = submitted++;
                ahead.add(worker.submit(() -> assemble(epoch, order, b)));
            }
        }

        @Override public boolean hasNext() {
            return next < count;
        }

        @Override public Batch next() {
            if (!hasNext()) throw new NoSuchElementException("DataLoader: epoch " + epoch + " has " + count + " batches");
            HostBatch h;
            if (worker == null) {
                h = assemble(epoch, order, next);
            } else {
                try {
                    h = ahead.take().get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("DataLoader: interrupted while waiting for a batch", e);
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof RuntimeException re) throw re;
                    throw new IllegalStateException("DataLoader: preparing a batch failed", c);
                }
                fill();
            }
            next++;
            return toTensors(h);
        }
    }
}

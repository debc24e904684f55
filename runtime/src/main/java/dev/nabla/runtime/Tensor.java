package dev.nabla.runtime;

import dev.nabla.runtime.backend.ArgReduceOp;
import dev.nabla.runtime.backend.Backend;
import dev.nabla.runtime.backend.BinaryOp;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.CompareOp;
import dev.nabla.runtime.backend.ReduceOp;
import dev.nabla.runtime.backend.UnaryOp;
import dev.nabla.runtime.ops.ElementwiseOps;
import dev.nabla.runtime.ops.IndexOps;
import dev.nabla.runtime.ops.MatmulOps;
import dev.nabla.runtime.ops.ReduceOps;
import dev.nabla.runtime.ops.ShapeOps;
import dev.nabla.runtime.ops.SoftmaxOps;

import java.lang.ref.Cleaner;
import java.util.List;

/**
 * An n-dimensional array on one device, with autograd. Contiguous and row-major; {@link #reshape}
 * shares the buffer, {@link #transpose}/{@link #permute} copy. Tensors own device memory: close them,
 * or create them inside a {@link Scope}.
 *
 * <pre>{@code
 * Tensor w = Tensor.randn(Shape.of(3, 2), 0).requiresGrad(true);
 * Tensor x = Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
 * Tensor loss = x.matmul(w).relu().sum();
 * loss.backward();
 * w.grad();   // d loss / d w
 * }</pre>
 */
public final class Tensor implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Shape shape;
    private final Storage storage;
    private final Lifetime lifetime;
    private final Cleaner.Cleanable cleanable;
    boolean requiresGrad;
    Node gradFn;
    private Tensor grad;
    Scope owner;

    /** What the cleaner needs, held apart from the tensor so the tensor can be collected. */
    private static final class Lifetime implements Runnable {
        final Storage storage;
        final Shape shape;
        /** Where the tensor was created, or null when {@link LeakReporter#recordsSite} said not to record it. */
        final String site;
        volatile boolean closed;

        Lifetime(Storage storage, Shape shape, String site) {
            this.storage = storage;
            this.shape = shape;
            this.site = site;
        }

        @Override public void run() {
            if (!closed) LeakReporter.report(shape + " " + storage.buffer.dtype(), storage.buffer.device(), site);
            storage.release();
        }
    }

    private Tensor(Storage storage, Shape shape) {
        if (storage.buffer.size() != shape.numel()) {
            throw new ShapeMismatchException("Tensor: a buffer of " + storage.buffer.size()
                    + " elements cannot hold shape " + shape + " (" + shape.numel() + " elements)");
        }
        this.storage = storage;
        this.shape = shape;
        Device device = storage.buffer.device();
        this.lifetime = new Lifetime(storage, shape, LeakReporter.recordsSite(device) ? LeakReporter.allocationSite() : null);
        this.cleanable = CLEANER.register(this, lifetime);
        Scope.register(this);
    }

    /**
     * Wraps a buffer the caller just got from {@code backend}; the tensor takes ownership. For op and
     * backend implementers.
     */
    public static Tensor wrap(Backend backend, Buffer buffer, Shape shape) {
        return new Tensor(new Storage(backend, buffer), shape);
    }

    // ---------------------------------------------------------------- creation

    public static Tensor zeros(int... dims) { return zeros(Shape.of(dims), DType.FLOAT32, defaultDevice()); }

    public static Tensor zeros(Shape shape, DType dtype) { return zeros(shape, dtype, defaultDevice()); }

    public static Tensor zeros(Shape shape, DType dtype, Device device) {
        Backend b = Backends.forDevice(device);
        return wrap(b, b.allocate(dtype, shape.numel()), shape);
    }

    public static Tensor ones(int... dims) { return full(Shape.of(dims), 1.0, DType.FLOAT32, defaultDevice()); }

    public static Tensor ones(Shape shape, DType dtype) { return full(shape, 1.0, dtype, defaultDevice()); }

    public static Tensor ones(Shape shape, DType dtype, Device device) { return full(shape, 1.0, dtype, device); }

    public static Tensor full(Shape shape, double value, DType dtype, Device device) {
        if (Double.isNaN(value) && !dtype.isFloating()) {
            throw new InvalidArgumentException("full: NaN cannot be stored in " + dtype);
        }
        Backend b = Backends.forDevice(device);
        return wrap(b, b.full(dtype, shape.numel(), value), shape);
    }

    public static Tensor zerosLike(Tensor t) { return zeros(t.shape, t.dtype(), t.device()); }

    public static Tensor onesLike(Tensor t) { return full(t.shape, 1.0, t.dtype(), t.device()); }

    public static Tensor fullLike(Tensor t, double value) { return full(t.shape, value, t.dtype(), t.device()); }

    /** A scalar (rank 0) FLOAT32 tensor on the default device. */
    public static Tensor scalar(double value) { return scalar(value, DType.FLOAT32, defaultDevice()); }

    public static Tensor scalar(double value, DType dtype, Device device) { return full(Shape.scalar(), value, dtype, device); }

    /** [start, start + step, ...) up to but excluding {@code end}. */
    public static Tensor arange(double start, double end, double step, DType dtype, Device device) {
        if (step == 0 || Double.isNaN(step) || Double.isNaN(start) || Double.isNaN(end)
                || (end - start) / step < 0) {
            throw new InvalidArgumentException("arange: cannot step from " + start + " to " + end + " by " + step);
        }
        int n = (int) Math.ceil((end - start) / step);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = start + i * step;
        Backend b = Backends.forDevice(device);
        return wrap(b, b.fromArray(v, dtype), Shape.of(n));
    }

    public static Tensor arange(int n) { return arange(0, n, 1, DType.FLOAT32, defaultDevice()); }

    /** Uniform [0, 1) from the Philox stream of {@code seed}. */
    public static Tensor rand(Shape shape, long seed) {
        return rand(shape, DType.FLOAT32, defaultDevice(), new dev.nabla.runtime.random.Generator(seed));
    }

    public static Tensor rand(Shape shape, DType dtype, Device device, dev.nabla.runtime.random.Generator gen) {
        return uniform(shape, 0, 1, dtype, device, gen);
    }

    public static Tensor uniform(Shape shape, double low, double high, DType dtype, Device device,
                                 dev.nabla.runtime.random.Generator gen) {
        requireFloating(dtype, "uniform");
        if (!(low <= high)) throw new InvalidArgumentException("uniform: expected low <= high, got [" + low + ", " + high + ")");
        Backend b = Backends.forDevice(device);
        long off = gen.advance(shape.numel());
        return wrap(b, b.random().uniform(dtype, shape.numel(), gen.seed(), off, low, high), shape);
    }

    /** Standard normal from the Philox stream of {@code seed}. */
    public static Tensor randn(Shape shape, long seed) {
        return randn(shape, DType.FLOAT32, defaultDevice(), new dev.nabla.runtime.random.Generator(seed));
    }

    public static Tensor randn(Shape shape, DType dtype, Device device, dev.nabla.runtime.random.Generator gen) {
        return normal(shape, 0, 1, dtype, device, gen);
    }

    public static Tensor normal(Shape shape, double mean, double std, DType dtype, Device device,
                                dev.nabla.runtime.random.Generator gen) {
        requireFloating(dtype, "normal");
        if (!(std >= 0)) throw new InvalidArgumentException("normal: std must be >= 0, got " + std);
        Backend b = Backends.forDevice(device);
        long off = gen.advance(shape.numel());
        return wrap(b, b.random().normal(dtype, shape.numel(), gen.seed(), off, mean, std), shape);
    }

    public static Tensor of(float[] data, int... dims) { return of(data, Shape.of(dims), DType.FLOAT32, defaultDevice()); }

    public static Tensor of(double[] data, int... dims) { return of(data, Shape.of(dims), DType.FLOAT64, defaultDevice()); }

    public static Tensor of(int[] data, int... dims) { return of(data, Shape.of(dims), DType.INT32, defaultDevice()); }

    public static Tensor of(long[] data, int... dims) { return of(data, Shape.of(dims), DType.INT64, defaultDevice()); }

    /** A tensor holding a copy of {@code data} (float[], double[], int[] or long[]) converted to {@code dtype}. */
    public static Tensor of(Object data, Shape shape, DType dtype, Device device) {
        int len = data instanceof float[] a ? a.length : data instanceof double[] a ? a.length
                : data instanceof int[] a ? a.length : data instanceof long[] a ? a.length : -1;
        if (len < 0) {
            throw new InvalidArgumentException("Tensor.of: expected float[], double[], int[] or long[], got "
                    + (data == null ? "null" : data.getClass().getSimpleName()));
        }
        if (len != shape.numel()) {
            throw new ShapeMismatchException("Tensor.of: " + len + " values cannot fill shape " + shape
                    + " (" + shape.numel() + " elements)");
        }
        Backend b = Backends.forDevice(device);
        return wrap(b, b.fromArray(data, dtype), shape);
    }

    public static Device defaultDevice() { return Backends.defaultBackend().device(); }

    // ---------------------------------------------------------------- properties

    public Shape shape() { return shape; }

    public int[] dims() { return shape.dims(); }

    public int dim(int axis) { return shape.dim(axis); }

    public int rank() { return shape.rank(); }

    public long numel() { return shape.numel(); }

    public DType dtype() { return storage.buffer.dtype(); }

    public Device device() { return storage.backend.device(); }

    /** The backend that owns this tensor's memory. For op implementers. */
    public Backend backend() { return storage.backend; }

    /** The underlying buffer; throws if closed. For op implementers. */
    public Buffer buffer() {
        ensureOpen("buffer");
        return storage.buffer;
    }

    public boolean isClosed() { return lifetime.closed; }

    /** Throws {@link TensorClosedException} naming {@code op} when this tensor was closed. */
    public void ensureOpen(String op) {
        if (lifetime.closed) {
            throw new TensorClosedException(op + ": tensor " + shape + " " + storage.buffer.dtype()
                    + " was already closed (" + LeakReporter.describeSite(lifetime.site) + ")");
        }
    }

    // ---------------------------------------------------------------- autograd

    public boolean requiresGrad() { return requiresGrad; }

    /** Marks a leaf tensor as needing a gradient; returns this. */
    public Tensor requiresGrad(boolean value) {
        if (gradFn != null && !value) {
            throw new AutogradException("requiresGrad(false): tensor " + shape + " is the output of '" + gradFn.op
                    + "'; use detach() instead");
        }
        if (value && !dtype().isFloating()) {
            throw new DTypeMismatchException("requiresGrad: only floating tensors can require grad, this one is " + dtype());
        }
        requiresGrad = value;
        return this;
    }

    public boolean isLeaf() { return gradFn == null; }

    /** The name of the op that produced this tensor, or null for a leaf. */
    public String gradFnName() { return gradFn == null ? null : gradFn.op; }

    /** The accumulated gradient, or null before the first backward. */
    public Tensor grad() { return grad; }

    /** Replaces the gradient (closing the old one); null clears it. */
    public void setGrad(Tensor g) {
        if (g != null && !g.shape.equals(shape)) {
            throw new ShapeMismatchException("setGrad: gradient of shape " + g.shape + " for a tensor of shape " + shape);
        }
        if (grad != null && grad != g) grad.close();
        grad = g == null ? null : Scope.detach(g);
    }

    /** Clears the gradient. */
    public void zeroGrad() { setGrad(null); }

    /** Backpropagates from this scalar. */
    public void backward() { Autograd.backward(this, null, false, false); }

    /** Backpropagates {@code gradOutput} (same shape as this). */
    public void backward(Tensor gradOutput) { Autograd.backward(this, gradOutput, false, false); }

    /** Backpropagates; {@code retainGraph} keeps the graph for another backward, {@code createGraph} records the backward itself. */
    public void backward(Tensor gradOutput, boolean retainGraph, boolean createGraph) {
        Autograd.backward(this, gradOutput, retainGraph || createGraph, createGraph);
    }

    void accumulateGrad(Tensor g, boolean createGraph) {
        if (createGraph) {
            Tensor next = grad == null ? g : grad.add(g);
            grad = Scope.detach(next);
        } else if (grad == null) {
            grad = Scope.detach(g.copy());
        } else {
            Autograd.addInto(grad, g);
        }
    }

    /** Whether no other tensor (a view) shares this one's buffer. For the autograd engine. */
    boolean storageUnshared() {
        return storage.unshared();
    }

    /** A tensor sharing this one's memory but cut from the graph. */
    public Tensor detach() {
        ensureOpen("detach");
        return new Tensor(storage.retain(), shape);
    }

    // ---------------------------------------------------------------- memory

    /** Releases this tensor's memory (the buffer goes when its last view is closed). Idempotent. */
    @Override public void close() {
        if (lifetime.closed) return;
        lifetime.closed = true;
        cleanable.clean();
        if (owner != null) Scope.detach(this);
        gradFn = null;
        if (grad != null) {
            grad.close();
            grad = null;
        }
    }

    /** A view with another shape over the same buffer (no copy). For op implementers; use {@link #reshape}. */
    public Tensor viewAs(Shape newShape) {
        ensureOpen("view");
        return new Tensor(storage.retain(), newShape);
    }

    /** A new tensor with the same values. */
    public Tensor copy() {
        ensureOpen("copy");
        return ElementwiseOps.copy(this);
    }

    /** Copies {@code src}'s values into this tensor in place (no autograd); shapes and dtypes must match. */
    public Tensor copyFrom(Tensor src) {
        ensureOpen("copyFrom");
        src.ensureOpen("copyFrom");
        if (!src.shape.equals(shape) || src.dtype() != dtype()) {
            throw new ShapeMismatchException("copyFrom: source " + src.shape + " " + src.dtype()
                    + " does not match destination " + shape + " " + dtype());
        }
        if (src.device().equals(device())) {
            backend().copyInto(src.buffer(), buffer());
        } else {
            Buffer tmp = backend().fromArray(src.backend().toArray(src.buffer()), dtype());
            backend().copyInto(tmp, buffer());
            backend().release(tmp);
        }
        return this;
    }

    /** this = this op src in place (src broadcast to this shape); no autograd. For optimisers. */
    public Tensor applyInPlace(BinaryOp op, Tensor src) {
        ensureOpen("applyInPlace");
        src.ensureOpen("applyInPlace");
        ElementwiseOps.checkSameDeviceAndDType("applyInPlace", this, src);
        if (!Shape.broadcast(shape, src.shape, "applyInPlace " + op).equals(shape)) {
            throw new ShapeMismatchException("applyInPlace " + op + ": source " + src.shape
                    + " does not broadcast to destination " + shape);
        }
        backend().elementwise().binaryInPlace(op, buffer(), shape, src.buffer(), src.shape);
        return this;
    }

    /** This tensor converted to {@code dtype} (a copy; differentiable between floating types). */
    public Tensor to(DType dtype) { return ElementwiseOps.cast(this, dtype); }

    /** This tensor on {@code device} (a copy unless already there). */
    public Tensor to(Device device) {
        ensureOpen("to");
        if (device.equals(device())) return this;
        Backend target = Backends.forDevice(device);
        Tensor out = wrap(target, target.fromArray(backend().toArray(buffer()), dtype()), shape);
        return Autograd.record(out, "to_device", new Tensor[]{this}, g -> new Tensor[]{g.to(device())});
    }

    // ---------------------------------------------------------------- reading values

    /** The single value of a one-element tensor. */
    public double item() {
        ensureOpen("item");
        if (numel() != 1) throw new ShapeMismatchException("item: expected one element, the tensor has shape " + shape);
        return backend().getDouble(buffer(), 0);
    }

    public float[] toFloatArray() { return (float[]) as(DType.FLOAT32); }

    public double[] toDoubleArray() { return (double[]) as(DType.FLOAT64); }

    public int[] toIntArray() { return (int[]) as(DType.INT32); }

    public long[] toLongArray() { return (long[]) as(DType.INT64); }

    private Object as(DType t) {
        ensureOpen("toArray");
        if (dtype() == t) return backend().toArray(buffer());
        Buffer c = backend().cast(buffer(), t);
        try {
            return backend().toArray(c);
        } finally {
            backend().release(c);
        }
    }

    @Override public String toString() {
        if (lifetime.closed) return "Tensor(shape=" + shape + ", dtype=" + storage.buffer.dtype() + ", closed)";
        return TensorFormat.format(this);
    }

    // ---------------------------------------------------------------- elementwise

    public Tensor neg() { return ElementwiseOps.unary(UnaryOp.NEG, this, 0, 0); }
    public Tensor abs() { return ElementwiseOps.unary(UnaryOp.ABS, this, 0, 0); }
    public Tensor exp() { return ElementwiseOps.unary(UnaryOp.EXP, this, 0, 0); }
    public Tensor log() { return ElementwiseOps.unary(UnaryOp.LOG, this, 0, 0); }
    public Tensor sqrt() { return ElementwiseOps.unary(UnaryOp.SQRT, this, 0, 0); }
    public Tensor rsqrt() { return ElementwiseOps.unary(UnaryOp.RSQRT, this, 0, 0); }
    public Tensor square() { return ElementwiseOps.unary(UnaryOp.SQUARE, this, 0, 0); }
    public Tensor pow(double exponent) { return ElementwiseOps.unary(UnaryOp.POW_SCALAR, this, exponent, 0); }
    public Tensor sin() { return ElementwiseOps.unary(UnaryOp.SIN, this, 0, 0); }
    public Tensor cos() { return ElementwiseOps.unary(UnaryOp.COS, this, 0, 0); }
    public Tensor tanh() { return ElementwiseOps.unary(UnaryOp.TANH, this, 0, 0); }
    public Tensor sigmoid() { return ElementwiseOps.unary(UnaryOp.SIGMOID, this, 0, 0); }
    public Tensor relu() { return ElementwiseOps.unary(UnaryOp.RELU, this, 0, 0); }
    public Tensor leakyRelu(double negativeSlope) { return ElementwiseOps.unary(UnaryOp.LEAKY_RELU, this, negativeSlope, 0); }
    /** GELU, exact (erf) form. */
    public Tensor gelu() { return ElementwiseOps.unary(UnaryOp.GELU_ERF, this, 0, 0); }
    /** GELU with the tanh approximation (PyTorch's {@code approximate='tanh'}). */
    public Tensor geluTanh() { return ElementwiseOps.unary(UnaryOp.GELU_TANH, this, 0, 0); }
    public Tensor hardSigmoid() { return ElementwiseOps.unary(UnaryOp.HARD_SIGMOID, this, 0, 0); }
    public Tensor sign() { return ElementwiseOps.unary(UnaryOp.SIGN, this, 0, 0); }
    public Tensor reciprocal() { return ElementwiseOps.unary(UnaryOp.RECIPROCAL, this, 0, 0); }
    /** Clamps to [min, max]; pass NaN for no bound on that side. */
    public Tensor clamp(double min, double max) { return ElementwiseOps.unary(UnaryOp.CLAMP, this, min, max); }

    public Tensor add(Tensor o) { return ElementwiseOps.binary(BinaryOp.ADD, this, o); }
    public Tensor sub(Tensor o) { return ElementwiseOps.binary(BinaryOp.SUB, this, o); }
    public Tensor mul(Tensor o) { return ElementwiseOps.binary(BinaryOp.MUL, this, o); }
    public Tensor div(Tensor o) { return ElementwiseOps.binary(BinaryOp.DIV, this, o); }
    public Tensor maximum(Tensor o) { return ElementwiseOps.binary(BinaryOp.MAXIMUM, this, o); }
    public Tensor minimum(Tensor o) { return ElementwiseOps.binary(BinaryOp.MINIMUM, this, o); }
    public Tensor pow(Tensor o) { return ElementwiseOps.binary(BinaryOp.POW, this, o); }
    public Tensor add(double s) { return ElementwiseOps.binaryScalar(BinaryOp.ADD, this, s); }
    public Tensor sub(double s) { return ElementwiseOps.binaryScalar(BinaryOp.SUB, this, s); }
    public Tensor mul(double s) { return ElementwiseOps.binaryScalar(BinaryOp.MUL, this, s); }
    public Tensor div(double s) { return ElementwiseOps.binaryScalar(BinaryOp.DIV, this, s); }
    public Tensor maximum(double s) { return ElementwiseOps.binaryScalar(BinaryOp.MAXIMUM, this, s); }
    public Tensor minimum(double s) { return ElementwiseOps.binaryScalar(BinaryOp.MINIMUM, this, s); }

    public Tensor eq(Tensor o) { return ElementwiseOps.compare(CompareOp.EQ, this, o); }
    public Tensor ne(Tensor o) { return ElementwiseOps.compare(CompareOp.NE, this, o); }
    public Tensor lt(Tensor o) { return ElementwiseOps.compare(CompareOp.LT, this, o); }
    public Tensor le(Tensor o) { return ElementwiseOps.compare(CompareOp.LE, this, o); }
    public Tensor gt(Tensor o) { return ElementwiseOps.compare(CompareOp.GT, this, o); }
    public Tensor ge(Tensor o) { return ElementwiseOps.compare(CompareOp.GE, this, o); }
    public Tensor eq(double s) { return ElementwiseOps.compareScalar(CompareOp.EQ, this, s); }
    public Tensor ne(double s) { return ElementwiseOps.compareScalar(CompareOp.NE, this, s); }
    public Tensor lt(double s) { return ElementwiseOps.compareScalar(CompareOp.LT, this, s); }
    public Tensor le(double s) { return ElementwiseOps.compareScalar(CompareOp.LE, this, s); }
    public Tensor gt(double s) { return ElementwiseOps.compareScalar(CompareOp.GT, this, s); }
    public Tensor ge(double s) { return ElementwiseOps.compareScalar(CompareOp.GE, this, s); }

    /** {@code cond != 0 ? a : b}, broadcasting all three. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) { return ElementwiseOps.where(cond, a, b); }

    /** This tensor with {@code value} wherever {@code mask != 0} (mask broadcast to this shape). */
    public Tensor maskedFill(Tensor mask, double value) { return ElementwiseOps.maskedFill(this, mask, value); }

    // ---------------------------------------------------------------- reductions

    public Tensor sum() { return ReduceOps.reduce(ReduceOp.SUM, this, null, false); }
    public Tensor sum(int axis) { return ReduceOps.reduce(ReduceOp.SUM, this, new int[]{axis}, false); }
    public Tensor sum(int[] axes, boolean keepDim) { return ReduceOps.reduce(ReduceOp.SUM, this, axes, keepDim); }
    public Tensor mean() { return ReduceOps.reduce(ReduceOp.MEAN, this, null, false); }
    public Tensor mean(int axis) { return ReduceOps.reduce(ReduceOp.MEAN, this, new int[]{axis}, false); }
    public Tensor mean(int[] axes, boolean keepDim) { return ReduceOps.reduce(ReduceOp.MEAN, this, axes, keepDim); }
    public Tensor max() { return ReduceOps.reduce(ReduceOp.MAX, this, null, false); }
    public Tensor max(int[] axes, boolean keepDim) { return ReduceOps.reduce(ReduceOp.MAX, this, axes, keepDim); }
    public Tensor min() { return ReduceOps.reduce(ReduceOp.MIN, this, null, false); }
    public Tensor min(int[] axes, boolean keepDim) { return ReduceOps.reduce(ReduceOp.MIN, this, axes, keepDim); }
    public Tensor logSumExp(int[] axes, boolean keepDim) { return ReduceOps.reduce(ReduceOp.LOGSUMEXP, this, axes, keepDim); }
    /** Variance; {@code unbiased} divides by N-1 (PyTorch's default) instead of N. */
    public Tensor variance(int[] axes, boolean unbiased, boolean keepDim) { return ReduceOps.variance(this, axes, unbiased, keepDim); }
    public Tensor argmax(int axis, boolean keepDim) { return ReduceOps.argReduce(ArgReduceOp.ARGMAX, this, axis, keepDim); }
    public Tensor argmin(int axis, boolean keepDim) { return ReduceOps.argReduce(ArgReduceOp.ARGMIN, this, axis, keepDim); }

    // ---------------------------------------------------------------- matmul

    /** Matrix product with NumPy semantics for 1-D, 2-D and batched (broadcast batch dims) operands. */
    public Tensor matmul(Tensor o) { return MatmulOps.matmul(this, o, false, false); }

    /** op(this) x op(o) where op transposes the last two dims when its flag is set. */
    public Tensor matmul(Tensor o, boolean transThis, boolean transOther) { return MatmulOps.matmul(this, o, transThis, transOther); }

    // ---------------------------------------------------------------- shape

    /** Same buffer, new shape; one dim may be -1. */
    public Tensor reshape(int... dims) { return ShapeOps.reshape(this, dims); }
    public Tensor view(int... dims) { return ShapeOps.reshape(this, dims); }
    public Tensor flatten(int startAxis, int endAxis) { return ShapeOps.flatten(this, startAxis, endAxis); }
    public Tensor transpose(int axis0, int axis1) { return ShapeOps.transpose(this, axis0, axis1); }
    public Tensor permute(int... perm) { return ShapeOps.permute(this, perm); }
    public Tensor squeeze() { return ShapeOps.squeeze(this); }
    public Tensor squeeze(int axis) { return ShapeOps.squeeze(this, axis); }
    public Tensor unsqueeze(int axis) { return ShapeOps.unsqueeze(this, axis); }
    /** Broadcasts size-1 dims to {@code dims} (a copy; -1 keeps a dim). */
    public Tensor expand(int... dims) { return ShapeOps.expand(this, dims); }
    public Tensor narrow(int axis, int start, int length) { return ShapeOps.narrow(this, axis, start, length); }
    /** Elements [start, end) along axis, every {@code step}-th. */
    public Tensor slice(int axis, int start, int end, int step) { return ShapeOps.slice(this, axis, start, end, step); }
    /** Splits into chunks of {@code size} along axis (the last may be smaller). */
    public List<Tensor> split(int size, int axis) { return ShapeOps.split(this, size, axis); }
    public List<Tensor> split(int[] sizes, int axis) { return ShapeOps.split(this, sizes, axis); }
    /** Pads with {@code value}; {@code pads} pairs (before, after) from the last dim backwards, as torch.nn.functional.pad. */
    public Tensor pad(int[] pads, double value) { return ShapeOps.pad(this, pads, value); }
    public static Tensor concat(List<Tensor> tensors, int axis) { return ShapeOps.concat(tensors, axis); }
    public static Tensor stack(List<Tensor> tensors, int axis) { return ShapeOps.stack(tensors, axis); }

    // ---------------------------------------------------------------- indexing

    public Tensor gather(int axis, Tensor index) { return IndexOps.gather(this, axis, index); }
    public Tensor indexSelect(int axis, Tensor index) { return IndexOps.indexSelect(this, axis, index); }
    public static Tensor oneHot(Tensor index, int numClasses, DType dtype) { return IndexOps.oneHot(index, numClasses, dtype); }

    // ---------------------------------------------------------------- softmax

    public Tensor softmax(int axis) { return SoftmaxOps.softmax(this, axis); }
    public Tensor logSoftmax(int axis) { return SoftmaxOps.logSoftmax(this, axis); }

    static void requireFloating(DType dtype, String op) {
        if (!dtype.isFloating()) throw new DTypeMismatchException(op + ": expected FLOAT32 or FLOAT64, got " + dtype);
    }
}

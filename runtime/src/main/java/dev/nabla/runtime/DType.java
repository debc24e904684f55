package dev.nabla.runtime;

/** Element types. FLOAT32 runs everywhere; FLOAT64 is for gradient checks on the CPU; INT32/INT64 hold labels and indices. */
public enum DType {
    FLOAT32(4, true, "f32"),
    FLOAT64(8, true, "f64"),
    INT32(4, false, "i32"),
    INT64(8, false, "i64");

    private final int byteSize;
    private final boolean floating;
    private final String suffix;

    DType(int byteSize, boolean floating, String suffix) {
        this.byteSize = byteSize;
        this.floating = floating;
        this.suffix = suffix;
    }

    public int byteSize() { return byteSize; }

    public boolean isFloating() { return floating; }

    /** Kernel-name suffix: {@code f32}, {@code f64}, {@code i32}, {@code i64}. */
    public String suffix() { return suffix; }
}

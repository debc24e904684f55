package dev.nabla.samples.bench;

/**
 * One measured row: {@code key} names the work and the thread count (the same key the reference script
 * prints), {@code value} is GFLOP/s for GEMM (higher is better) and milliseconds for everything else
 * (lower is better); {@code note} says how it was measured or why it is missing.
 */
record Result(String key, double value, String unit, String note) {
    static Result missing(String key, String unit, String why) { return new Result(key, Double.NaN, unit, why); }

    boolean higherIsBetter() { return "GFLOP/s".equals(unit); }
}

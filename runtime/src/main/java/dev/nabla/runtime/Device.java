package dev.nabla.runtime;

/** Where a tensor's memory lives. {@code Device.CPU} or {@code Device.cuda(i)}. */
public record Device(Kind kind, int index) {
    public enum Kind { CPU, CUDA }

    public static final Device CPU = new Device(Kind.CPU, 0);

    public Device {
        if (kind == null) throw new IllegalArgumentException("Device: kind must not be null");
        if (index < 0) throw new IllegalArgumentException("Device: index must be >= 0, got " + index);
    }

    public static Device cuda(int index) { return new Device(Kind.CUDA, index); }

    @Override public String toString() { return kind == Kind.CPU ? "cpu" : "cuda:" + index; }
}

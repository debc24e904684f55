package dev.nabla.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Reports tensors that the garbage collector reclaimed before anyone closed them. Device memory must
 * not wait for the GC, so leaks of non-CPU tensors are warnings; on the CPU the heap reclaims the array
 * anyway, so they are logged at debug unless {@code -Dnabla.leakWarnings=all}.
 */
final class LeakReporter {
    private static final Logger LOG = LoggerFactory.getLogger(LeakReporter.class);
    private static final boolean WARN_ALL = "all".equals(System.getProperty("nabla.leakWarnings"));
    private static final AtomicLong LEAKED = new AtomicLong();

    private LeakReporter() {}

    static long leakedCount() { return LEAKED.get(); }

    static void report(String description, Device device, String site) {
        LEAKED.incrementAndGet();
        if (WARN_ALL || device.kind() != Device.Kind.CPU) {
            LOG.warn("Tensor {} was garbage-collected without close(); allocated at {}", description, site);
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("Tensor {} was garbage-collected without close(); allocated at {}", description, site);
        }
    }

    /** The first stack frame outside Nabla's runtime: where user code created the tensor. */
    static String allocationSite() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> !f.getClassName().startsWith("dev.nabla.runtime."))
                .findFirst()
                .map(f -> f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
                .orElse("<unknown>"));
    }
}

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

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final java.security.CodeSource RUNTIME_CODE = LeakReporter.class.getProtectionDomain().getCodeSource();

    /** The first stack frame outside the runtime jar: where user code (a layer, a test, an app) created the tensor. */
    static String allocationSite() {
        return WALKER.walk(frames -> frames
                .filter(f -> !java.util.Objects.equals(f.getDeclaringClass().getProtectionDomain().getCodeSource(), RUNTIME_CODE))
                .findFirst()
                .map(f -> f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
                .orElse("<unknown>"));
    }
}

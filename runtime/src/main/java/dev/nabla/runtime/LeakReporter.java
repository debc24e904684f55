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
            LOG.warn("Tensor {} was garbage-collected without close(); {}", description, describeSite(site));
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("Tensor {} was garbage-collected without close(); {}", description, describeSite(site));
        }
    }

    /**
     * Whether new tensors record where they were created. The record is a stack walk of a few microseconds,
     * which a training step of many small ops would pay per tensor, so by default ({@code auto}) it is taken
     * only while debugging: with assertions on ({@code -ea}, as test runners do), with leak warnings for every
     * device ({@code -Dnabla.leakWarnings=all}) or with this class's logger at debug.
     * {@code -Dnabla.allocationSites=all} or {@code none} force it on or off.
     */
    static boolean recordsSite(Device device) {
        return switch (SITES) {
            case "all" -> true;
            case "none" -> false;
            default -> ASSERTIONS || WARN_ALL || LOG.isDebugEnabled();
        };
    }

    private static final boolean ASSERTIONS = assertionsEnabled();

    @SuppressWarnings({"AssertWithSideEffects", "ConstantConditions"})
    private static boolean assertionsEnabled() {
        boolean on = false;
        assert on = true;
        return on;
    }

    private static final String SITES = System.getProperty("nabla.allocationSites", "auto").trim().toLowerCase();

    /** "allocated at SITE", or how to get the site when it was not recorded. */
    static String describeSite(String site) {
        return site != null ? "allocated at " + site
                : "its allocation site was not recorded; run with -Dnabla.allocationSites=all to record it";
    }

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final java.security.CodeSource RUNTIME_CODE = LeakReporter.class.getProtectionDomain().getCodeSource();
    /** Whether a class comes from the runtime jar, looked up once per class (a code-source query is slow). */
    private static final ClassValue<Boolean> IN_RUNTIME = new ClassValue<>() {
        @Override protected Boolean computeValue(Class<?> c) {
            return java.util.Objects.equals(c.getProtectionDomain().getCodeSource(), RUNTIME_CODE);
        }
    };

    /** The first stack frame outside the runtime jar: where user code (a layer, a test, an app) created the tensor. */
    static String allocationSite() {
        return WALKER.walk(frames -> frames
                .filter(f -> !IN_RUNTIME.get(f.getDeclaringClass()))
                .findFirst()
                .map(f -> f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
                .orElse("<unknown>"));
    }
}

package dev.nabla.runtime;

import dev.nabla.runtime.backend.Backend;
import dev.nabla.runtime.backend.BackendProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Finds backends through {@link ServiceLoader} and picks the default: {@code -Dnabla.backend=cpu|cuda}
 * (or the {@code NABLA_BACKEND} environment variable) forces one and fails loudly when it cannot be had;
 * otherwise the available provider with the highest rank wins, and the choice is logged once.
 */
public final class Backends {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);
    private static final Map<String, Backend> CREATED = new LinkedHashMap<>();
    private static Backend defaultBackend;

    private Backends() {}

    /** Providers found on the class path, highest rank first. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> list = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) list.add(p);
        list.sort(Comparator.comparingInt(BackendProvider::rank).reversed());
        return list;
    }

    /** The backend new tensors go to when no device is named. */
    public static synchronized Backend defaultBackend() {
        if (defaultBackend == null) defaultBackend = select();
        return defaultBackend;
    }

    /** The requested backend name, from the system property or the environment, or null. */
    static String requested() {
        String forced = System.getProperty("nabla.backend");
        if (forced == null || forced.isBlank()) forced = System.getenv("NABLA_BACKEND");
        return forced == null || forced.isBlank() ? null : forced.trim().toLowerCase();
    }

    private static Backend select() {
        String forced = requested();
        if (forced != null) {
            Backend b = get(forced);
            LOG.info("Nabla backend: {} (forced by nabla.backend)", b.name());
            return b;
        }
        StringBuilder skipped = new StringBuilder();
        for (BackendProvider p : providers()) {
            if (safeAvailable(p)) {
                Backend b = create(p);
                LOG.info("Nabla backend: {}{}", b.name(), skipped.length() == 0 ? "" : " (" + skipped + ")");
                return b;
            }
            if (skipped.length() > 0) skipped.append("; ");
            skipped.append(p.name()).append(" unavailable: ").append(p.unavailableReason());
        }
        throw new BackendUnavailableException("no Nabla backend is available (" + skipped + ")");
    }

    /** The backend named {@code name}, or a {@link BackendUnavailableException} saying why it cannot be had. */
    public static synchronized Backend get(String name) {
        Backend existing = CREATED.get(name);
        if (existing != null) return existing;
        List<String> names = new ArrayList<>();
        for (BackendProvider p : providers()) {
            names.add(p.name());
            if (p.name().equalsIgnoreCase(name)) {
                if (!safeAvailable(p)) {
                    throw new BackendUnavailableException("The " + p.name() + " backend was requested but is unavailable: "
                            + p.unavailableReason());
                }
                return create(p);
            }
        }
        throw new BackendUnavailableException("Unknown backend '" + name + "'; known backends: " + names);
    }

    /** The backend that owns {@code device}. */
    public static Backend forDevice(Device device) {
        Backend b = get(device.kind() == Device.Kind.CPU ? "cpu" : "cuda");
        if (!b.device().equals(device)) {
            throw new BackendUnavailableException("No backend for device " + device + "; the " + b.name()
                    + " backend runs on " + b.device());
        }
        return b;
    }

    /** Every backend that is available on this machine, the CPU first. */
    public static List<Backend> available() {
        List<Backend> out = new ArrayList<>();
        List<BackendProvider> ps = providers();
        ps.sort(Comparator.comparingInt(BackendProvider::rank));
        for (BackendProvider p : ps) if (safeAvailable(p)) out.add(get(p.name()));
        return out;
    }

    /** Why each unavailable backend is unavailable, by name. */
    public static Map<String, String> unavailable() {
        Map<String, String> out = new LinkedHashMap<>();
        for (BackendProvider p : providers()) if (!safeAvailable(p)) out.put(p.name(), p.unavailableReason());
        return out;
    }

    private static boolean safeAvailable(BackendProvider p) {
        try {
            return p.isAvailable();
        } catch (Throwable t) {
            LOG.debug("backend provider {} failed its availability check", p.name(), t);
            return false;
        }
    }

    private static synchronized Backend create(BackendProvider p) {
        return CREATED.computeIfAbsent(p.name(), n -> p.create());
    }
}

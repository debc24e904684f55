package dev.nabla.runtime.cpu;

import dev.nabla.runtime.backend.Backend;
import dev.nabla.runtime.backend.BackendProvider;

/** The pure-Java backend: always available, lowest rank. */
public final class CpuBackendProvider implements BackendProvider {
    @Override public String name() { return "cpu"; }

    @Override public int rank() { return 0; }

    @Override public boolean isAvailable() { return true; }

    @Override public String unavailableReason() { return null; }

    @Override public Backend create() { return CpuBackend.instance(); }
}

package dev.nabla.runtime;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class BackendsTest {
    @Test void theCpuBackendIsAlwaysAvailable() {
        assertTrue(Backends.available().stream().anyMatch(b -> b.name().equals("cpu")));
        assertEquals(Device.CPU, Backends.get("cpu").device());
    }

    @Test void anUnknownBackendIsRejectedWithTheKnownNames() {
        var e = assertThrows(BackendUnavailableException.class, () -> Backends.get("tpu"));
        assertTrue(e.getMessage().contains("tpu") && e.getMessage().contains("cpu"), e.getMessage());
    }

    @Test void providersAreOrderedByRank() {
        var ps = Backends.providers();
        for (int i = 1; i < ps.size(); i++) assertTrue(ps.get(i - 1).rank() >= ps.get(i).rank());
    }
}

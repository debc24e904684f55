package dev.nabla.runtime.cuda;

import dev.nabla.runtime.BackendUnavailableException;
import dev.nabla.runtime.Backends;
import dev.nabla.runtime.backend.BackendProvider;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Behaviour of the provider on a machine without a usable GPU (skipped where one is found). */
class CudaProviderTest {
    private final CudaBackendProvider provider = new CudaBackendProvider();

    @Test
    void theProviderIsFoundByTheServiceLoaderWithRank100() {
        BackendProvider p = Backends.providers().stream().filter(x -> x.name().equals("cuda")).findFirst().orElseThrow();
        assertEquals(100, p.rank());
        assertInstanceOf(CudaBackendProvider.class, p);
    }

    @Test
    void availabilityIsAnsweredWithoutThrowingEvenWhenAskedTwice() {
        boolean first = assertDoesNotThrow(provider::isAvailable);
        boolean second = assertDoesNotThrow(provider::isAvailable);
        assertEquals(first, second);
    }

    @Test
    void withoutAGpuTheReasonIsOneSentence() {
        assumeFalse(provider.isAvailable(), "a CUDA device is present");
        String reason = provider.unavailableReason();
        assertNotNull(reason);
        assertFalse(reason.isBlank());
        assertFalse(reason.contains("\n"), "one line: " + reason);
        assertTrue(reason.length() < 300, "short: " + reason);
    }

    @Test
    void withoutTheDriverTheReasonNamesLibcuda() {
        assumeFalse(provider.isAvailable(), "a CUDA device is present");
        String reason = provider.unavailableReason();
        // on a machine with a driver but no device the reason names the device instead
        assertTrue(reason.contains("libcuda.so.1") || reason.contains("device") || reason.contains("cuInit"), reason);
    }

    @Test
    void requestingCudaWithoutAGpuFailsWithOneClearSentence() {
        assumeFalse(provider.isAvailable(), "a CUDA device is present");
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Backends.get("cuda"));
        assertTrue(e.getMessage().startsWith("The cuda backend was requested but is unavailable: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void theCpuStaysAvailableAndCudaIsListedAsUnavailableWithItsReason() {
        assumeFalse(provider.isAvailable(), "a CUDA device is present");
        assertTrue(Backends.available().stream().anyMatch(b -> b.name().equals("cpu")));
        assertEquals(provider.unavailableReason(), Backends.unavailable().get("cuda"));
    }
}

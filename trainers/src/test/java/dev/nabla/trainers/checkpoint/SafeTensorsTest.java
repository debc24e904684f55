package dev.nabla.trainers.checkpoint;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SafeTensorsTest {
    @TempDir Path dir;

    private Map<String, Tensor> sample() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("w", Tensor.of(new float[]{1.5f, -2, 3, 4, 5, 6}, Shape.of(2, 3), DType.FLOAT32, Device.CPU));
        m.put("d", Tensor.of(new double[]{Math.PI}, Shape.scalar(), DType.FLOAT64, Device.CPU));
        m.put("i", Tensor.of(new long[]{7, -8}, Shape.of(2), DType.INT64, Device.CPU));
        m.put("j", Tensor.of(new int[]{9}, Shape.of(1, 1), DType.INT32, Device.CPU));
        return m;
    }

    @Test void roundTripKeepsNamesShapesDtypesValuesAndMetadata() {
        Path f = dir.resolve("a.safetensors");
        SafeTensors.write(f, sample(), Map.of("epoch", "3"));
        SafeTensors.Contents c = SafeTensors.read(f);
        assertEquals(java.util.List.of("w", "d", "i", "j"), java.util.List.copyOf(c.tensors().keySet()));
        assertArrayEquals(new float[]{1.5f, -2, 3, 4, 5, 6}, c.tensors().get("w").toFloatArray());
        assertEquals(Shape.of(2, 3), c.tensors().get("w").shape());
        assertEquals(Math.PI, c.tensors().get("d").item());
        assertArrayEquals(new long[]{7, -8}, c.tensors().get("i").toLongArray());
        assertEquals(DType.INT32, c.tensors().get("j").dtype());
        assertEquals("3", c.metadata().get("epoch"));
    }

    @Test void theHeaderIsPaddedToEightBytesAndNoTemporaryFileRemains() throws IOException {
        Path f = dir.resolve("b.safetensors");
        SafeTensors.write(f, sample(), Map.of());
        long n = ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8);
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count());
        }
    }

    private Path written() {
        Path f = dir.resolve("c.safetensors");
        SafeTensors.write(f, sample(), Map.of());
        return f;
    }

    private static String message(Path f) {
        return assertThrows(CheckpointFormatException.class, () -> SafeTensors.read(f)).getMessage();
    }

    @Test void aTruncatedFileIsRejected() throws IOException {
        Path f = written();
        byte[] b = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(b, b.length - 5));
        String m = message(f);
        assertTrue(m.contains(f.toString()) && m.contains("outside"), m);
    }

    @Test void aFileShorterThanTheLengthFieldIsRejected() throws IOException {
        Path f = dir.resolve("tiny.safetensors");
        Files.write(f, new byte[3]);
        assertTrue(message(f).contains("shorter than the 8-byte header length"));
    }

    @Test void aHeaderLengthPastTheEndIsRejected() throws IOException {
        Path f = written();
        byte[] b = Files.readAllBytes(f);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, b.length);
        Files.write(f, b);
        assertTrue(message(f).contains("runs past the end"));
    }

    @Test void aHugeHeaderLengthIsRejectedWithoutAllocating() throws IOException {
        Path f = written();
        byte[] b = Files.readAllBytes(f);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE);
        Files.write(f, b);
        assertTrue(message(f).contains("header length"));
    }

    @Test void flippedBytesInTheHeaderAreRejected() throws IOException {
        Path f = written();
        byte[] b = Files.readAllBytes(f);
        b[9] ^= 0x5A;
        b[20] ^= 0x33;
        Files.write(f, b);
        assertNotNull(message(f));
    }

    private Path withHeader(String json, int dataBytes) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = dir.resolve("h.safetensors");
        Files.write(f, b.array());
        return f;
    }

    @Test void overlappingOffsetsAreRejected() throws IOException {
        Path f = withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);
        assertTrue(message(f).contains("overlaps"));
    }

    @Test void offsetsThatDisagreeWithTheShapeAreRejected() throws IOException {
        Path f = withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8);
        String m = message(f);
        assertTrue(m.contains("'a'") && m.contains("12 bytes"), m);
    }

    @Test void anUnknownDtypeIsRejectedByName() throws IOException {
        Path f = withHeader("{\"a\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1);
        assertTrue(message(f).contains("Q7"));
    }

    @Test void invalidJsonIsRejected() throws IOException {
        assertTrue(message(withHeader("{\"a\": [", 0)).contains("not valid JSON"));
    }

    @Test void aHoleInTheDataIsRejected() throws IOException {
        Path f = withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8);
        assertTrue(message(f).contains("hole"));
    }

    @Test void aMissingFileIsNamed() {
        assertTrue(message(dir.resolve("nope.safetensors")).contains("does not exist"));
    }
}

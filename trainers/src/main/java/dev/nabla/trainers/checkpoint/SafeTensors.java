package dev.nabla.trainers.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of JSON
 * ({@code name -> {dtype, shape, data_offsets}} plus an optional {@code __metadata__} of strings), then
 * the raw little-endian data. PyTorch reads and writes it with the {@code safetensors} package; loading
 * runs no code. Writing is atomic (temporary file, fsync, rename). Reading validates everything before
 * allocating: header length, JSON, dtypes, shapes, offsets inside the file, no overlaps and no holes.
 */
public final class SafeTensors {
    /** Headers larger than this are rejected before any allocation (the reference implementation uses 100 MB). */
    public static final long MAX_HEADER_BYTES = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Tensors by name, in file order, and the string metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    private SafeTensors() {}

    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        List<byte[]> blobs = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__")) throw new IllegalArgumentException("safetensors: '__metadata__' is reserved as a tensor name");
            Tensor t = e.getValue();
            byte[] bytes = toBytes(t);
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", code(t.dtype()));
            var shape = entry.putArray("shape");
            for (int d : t.dims()) shape.add(d);
            var offs = entry.putArray("data_offsets");
            offs.add(offset);
            offs.add(offset + bytes.length);
            offset += bytes.length;
            blobs.add(bytes);
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("safetensors: cannot encode the header", e);
        }
        int padded = (json.length + 7) & ~7;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                while (head.hasRemaining()) ch.write(head);
                for (byte[] b : blobs) {
                    ByteBuffer bb = ByteBuffer.wrap(b);
                    while (bb.hasRemaining()) ch.write(bb);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new IllegalStateException("safetensors: cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try { Files.deleteIfExists(tmp); } catch (IOException ignored) { /* best effort */ }
            }
        }
    }

    public static Contents read(Path file) { return read(file, Device.CPU); }

    public static Contents read(Path file, Device device) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw bad(file, "it is " + size + " bytes long, shorter than the 8-byte header length");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long n = lenBuf.flip().getLong();
            if (n < 2 || n > MAX_HEADER_BYTES) throw bad(file, "header length " + Long.toUnsignedString(n) + " is outside 2.." + MAX_HEADER_BYTES);
            if (8 + n > size) throw bad(file, "header length " + n + " runs past the end of the " + size + "-byte file");
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            readFully(ch, hb, 8);
            JsonNode header;
            try {
                header = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8));
            } catch (JsonProcessingException e) {
                throw bad(file, "the header is not valid JSON (" + e.getOriginalMessage() + ")");
            }
            if (header == null || !header.isObject()) throw bad(file, "the header is not a JSON object");
            long dataStart = 8 + n, dataLen = size - dataStart;
            Map<String, String> meta = new LinkedHashMap<>();
            record Entry(String name, DType dtype, int[] shape, long begin, long end) {}
            List<Entry> entries = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().equals("__metadata__")) {
                    if (!f.getValue().isObject()) throw bad(file, "__metadata__ is not an object");
                    f.getValue().fields().forEachRemaining(m -> {
                        if (!m.getValue().isTextual()) throw bad(file, "__metadata__ value '" + m.getKey() + "' is not a string");
                        meta.put(m.getKey(), m.getValue().asText());
                    });
                    continue;
                }
                JsonNode v = f.getValue();
                String name = f.getKey();
                if (!v.isObject() || !v.path("dtype").isTextual() || !v.path("shape").isArray() || !v.path("data_offsets").isArray()
                        || v.path("data_offsets").size() != 2) {
                    throw bad(file, "tensor '" + name + "' needs dtype, shape and two data_offsets");
                }
                DType dtype = dtype(file, name, v.get("dtype").asText());
                int[] shape = new int[v.get("shape").size()];
                long numel = 1;
                for (int i = 0; i < shape.length; i++) {
                    JsonNode d = v.get("shape").get(i);
                    if (!d.canConvertToInt() || d.asInt() < 0) throw bad(file, "tensor '" + name + "' has an invalid dimension " + d);
                    shape[i] = d.asInt();
                    numel = Math.multiplyExact(numel, shape[i]);
                }
                JsonNode b = v.get("data_offsets").get(0), e = v.get("data_offsets").get(1);
                if (!b.canConvertToLong() || !e.canConvertToLong()) throw bad(file, "tensor '" + name + "' has non-integer data_offsets");
                long begin = b.asLong(), end = e.asLong();
                if (begin < 0 || end < begin || end > dataLen) {
                    throw bad(file, "tensor '" + name + "' data_offsets [" + begin + ", " + end + "] lie outside the " + dataLen + "-byte data section");
                }
                if (end - begin != numel * dtype.byteSize()) {
                    throw bad(file, "tensor '" + name + "' of shape " + Shape.of(shape) + " " + dtype + " needs "
                            + numel * dtype.byteSize() + " bytes but its data_offsets span " + (end - begin));
                }
                entries.add(new Entry(name, dtype, shape, begin, end));
            }
            List<Entry> sorted = new ArrayList<>(entries);
            sorted.sort((x, y) -> Long.compare(x.begin, y.begin));
            long expect = 0;
            for (Entry en : sorted) {
                if (en.begin < expect) throw bad(file, "tensor '" + en.name + "' overlaps the tensor before it");
                if (en.begin > expect) throw bad(file, "the data section has a hole before tensor '" + en.name + "'");
                expect = en.end;
            }
            if (expect != dataLen) throw bad(file, "the data section has " + (dataLen - expect) + " bytes that no tensor uses");
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Entry en : entries) {
                ByteBuffer data = ByteBuffer.allocate((int) (en.end - en.begin)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, data, dataStart + en.begin);
                data.flip();
                out.put(en.name, Tensor.of(fromBytes(data, en.dtype), Shape.of(en.shape), en.dtype, device));
            }
            return new Contents(out, meta);
        } catch (NoSuchFileException e) {
            throw new CheckpointFormatException("safetensors file " + file + " does not exist");
        } catch (IOException e) {
            throw new CheckpointFormatException("safetensors file " + file + " could not be read: " + e.getMessage(), e);
        } catch (ArithmeticException e) {
            throw bad(file, "a tensor's shape overflows");
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) throw new java.io.EOFException("unexpected end of file");
            pos += r;
        }
    }

    private static CheckpointFormatException bad(Path file, String why) {
        return new CheckpointFormatException("safetensors file " + file + " is corrupt: " + why);
    }

    static String code(DType t) {
        return switch (t) {
            case FLOAT32 -> "F32";
            case FLOAT64 -> "F64";
            case INT32 -> "I32";
            case INT64 -> "I64";
        };
    }

    private static DType dtype(Path file, String name, String code) {
        return switch (code) {
            case "F32" -> DType.FLOAT32;
            case "F64" -> DType.FLOAT64;
            case "I32" -> DType.INT32;
            case "I64" -> DType.INT64;
            default -> throw bad(file, "tensor '" + name + "' has dtype " + code + "; Nabla reads F32, F64, I32 and I64");
        };
    }

    private static byte[] toBytes(Tensor t) {
        ByteBuffer b = ByteBuffer.allocate((int) (t.numel() * t.dtype().byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype()) {
            case FLOAT32 -> b.asFloatBuffer().put(t.toFloatArray());
            case FLOAT64 -> b.asDoubleBuffer().put(t.toDoubleArray());
            case INT32 -> b.asIntBuffer().put(t.toIntArray());
            case INT64 -> b.asLongBuffer().put(t.toLongArray());
        }
        return b.array();
    }

    private static Object fromBytes(ByteBuffer b, DType t) {
        return switch (t) {
            case FLOAT32 -> { float[] a = new float[b.remaining() / 4]; b.asFloatBuffer().get(a); yield a; }
            case FLOAT64 -> { double[] a = new double[b.remaining() / 8]; b.asDoubleBuffer().get(a); yield a; }
            case INT32 -> { int[] a = new int[b.remaining() / 4]; b.asIntBuffer().get(a); yield a; }
            case INT64 -> { long[] a = new long[b.remaining() / 8]; b.asLongBuffer().get(a); yield a; }
        };
    }
}

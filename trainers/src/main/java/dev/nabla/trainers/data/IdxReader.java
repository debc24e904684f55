package dev.nabla.trainers.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format), gzipped or not (detected from the first bytes).
 * Only unsigned-byte data (type 0x08) is accepted, which is what those data sets use. A truncated or
 * malformed file raises a {@link DataFormatException} naming the file and what was wrong.
 */
public final class IdxReader {
    /** The decoded file: its dims and its bytes as unsigned values. */
    public record IdxArray(int[] dims, byte[] data) {
        public int count() { return dims[0]; }

        /** Elements per item: the product of dims after the first. */
        public int itemSize() {
            int n = 1;
            for (int i = 1; i < dims.length; i++) n *= dims[i];
            return n;
        }
    }

    private static final int MAX_RANK = 4;
    private static final long MAX_ELEMENTS = 1L << 31;

    private IdxReader() {}

    public static IdxArray read(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read(), b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
            return parse(file, new DataInputStream(in));
        } catch (NoSuchFileException e) {
            throw new DataFormatException("IDX file " + file + " does not exist");
        } catch (EOFException e) {
            throw new DataFormatException("IDX file " + file + " is truncated: it ends before the data its header announces");
        } catch (ZipException e) {
            throw new DataFormatException("IDX file " + file + " is not a valid gzip stream: " + e.getMessage());
        } catch (IOException e) {
            throw new DataFormatException("IDX file " + file + " could not be read: " + e.getMessage(), e);
        }
    }

    private static IdxArray parse(Path file, DataInputStream in) throws IOException {
        int zero = in.readUnsignedShort();
        int type = in.readUnsignedByte();
        int rank = in.readUnsignedByte();
        if (zero != 0) throw new DataFormatException("IDX file " + file + ": bad magic number (first two bytes must be 0)");
        if (type != 0x08) {
            throw new DataFormatException(String.format("IDX file %s: data type 0x%02x is not supported (expected 0x08, unsigned byte)", file, type));
        }
        if (rank < 1 || rank > MAX_RANK) throw new DataFormatException("IDX file " + file + ": rank " + rank + " is outside 1.." + MAX_RANK);
        int[] dims = new int[rank];
        long total = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = in.readInt();
            if (dims[i] < 0) throw new DataFormatException("IDX file " + file + ": dimension " + i + " is negative (" + dims[i] + ")");
            total *= dims[i];
            if (total > MAX_ELEMENTS) throw new DataFormatException("IDX file " + file + ": header announces more than 2^31 elements");
        }
        byte[] data = new byte[(int) total];
        in.readFully(data);
        if (in.read() != -1) throw new DataFormatException("IDX file " + file + ": trailing bytes after the " + total + " announced elements");
        return new IdxArray(dims, data);
    }
}

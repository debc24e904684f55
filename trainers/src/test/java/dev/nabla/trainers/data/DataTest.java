package dev.nabla.trainers.data;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

class DataTest {
    @TempDir Path dir;

    private static ArrayDataset counting(int n) {
        float[] x = new float[n * 2];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) { x[2 * i] = i; x[2 * i + 1] = -i; y[i] = i % 3; }
        return ArrayDataset.classification(x, Shape.of(2), y);
    }

    private static List<Integer> firstFeatureOrder(DataLoader l, int epoch) {
        List<Integer> seen = new ArrayList<>();
        for (Batch b : l.epoch(epoch)) {
            try (b) {
                float[] v = b.inputs().toFloatArray();
                for (int i = 0; i < b.size(); i++) seen.add((int) v[2 * i]);
            }
        }
        return seen;
    }

    @Test void batchesCoverTheDatasetInOrderWithoutShuffle() {
        DataLoader l = DataLoader.builder(counting(10)).batchSize(4).device(Device.CPU).build();
        assertEquals(3, l.batchesPerEpoch());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), firstFeatureOrder(l, 0));
    }

    @Test void dropLastDropsTheShortBatch() {
        DataLoader l = DataLoader.builder(counting(10)).batchSize(4).dropLast(true).device(Device.CPU).build();
        assertEquals(8, firstFeatureOrder(l, 0).size());
    }

    @Test void shuffleGivesAFreshSeededPermutationEachEpoch() {
        DataLoader l = DataLoader.builder(counting(50)).batchSize(7).shuffle(true).seed(3).device(Device.CPU).build();
        List<Integer> e0 = firstFeatureOrder(l, 0), e1 = firstFeatureOrder(l, 1);
        assertNotEquals(e0, e1);
        assertEquals(e0, firstFeatureOrder(l, 0));
        List<Integer> sorted = new ArrayList<>(e0);
        sorted.sort(null);
        for (int i = 0; i < 50; i++) assertEquals(i, sorted.get(i));
    }

    @Test void labelsComeOutAsInt64AndInputsKeepTheirShape() {
        DataLoader l = DataLoader.builder(counting(5)).batchSize(5).device(Device.CPU).build();
        Batch b = l.epoch(0).iterator().next();
        assertEquals(DType.INT64, b.targets().dtype());
        assertEquals(Shape.of(5, 2), b.inputs().shape());
        assertArrayEquals(new long[]{0, 1, 2, 0, 1}, b.targets().toLongArray());
    }

    @Test void splitPartitionsTheDataset() {
        Dataset[] parts = Subset.split(counting(100), 0.2, 1);
        assertEquals(80, parts[0].size());
        assertEquals(20, parts[1].size());
    }

    @Test void horizontalFlipMirrorsRows() {
        float[] img = {1, 2, 3, 4, 5, 6};
        Transform flip = Transforms.randomHorizontalFlip(1, 2, 3);
        java.util.SplittableRandom rng = new java.util.SplittableRandom(0);
        while (true) {
            float[] copy = img.clone();
            flip.apply(copy, 0, rng);
            if (!Arrays.equals(copy, img)) {
                assertArrayEquals(new float[]{3, 2, 1, 6, 5, 4}, copy);
                break;
            }
        }
    }

    @Test void randomCropKeepsTheShapeAndShiftsContent() {
        float[] img = new float[16];
        for (int i = 0; i < 16; i++) img[i] = i + 1;
        Transform crop = Transforms.randomCrop(1, 4, 4, 1);
        float[] copy = img.clone();
        crop.apply(copy, 0, new java.util.SplittableRandom(5));
        assertEquals(16, copy.length);
    }

    private Path idx(byte[] header, byte[] data, boolean gzip) throws IOException {
        Path f = dir.resolve(gzip ? "x.idx.gz" : "x.idx");
        try (OutputStream o = gzip ? new GZIPOutputStream(Files.newOutputStream(f)) : Files.newOutputStream(f)) {
            o.write(header);
            o.write(data);
        }
        return f;
    }

    private static byte[] header(int... dims) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeShort(0);
        d.writeByte(8);
        d.writeByte(dims.length);
        for (int x : dims) d.writeInt(x);
        return b.toByteArray();
    }

    @Test void idxReadsPlainAndGzippedFiles() throws IOException {
        for (boolean gz : new boolean[]{false, true}) {
            IdxReader.IdxArray a = IdxReader.read(idx(header(2, 2, 2), new byte[]{0, 1, 2, 3, 4, 5, 6, (byte) 255}, gz));
            assertArrayEquals(new int[]{2, 2, 2}, a.dims());
            assertEquals(4, a.itemSize());
            assertEquals(255, a.data()[7] & 0xff);
        }
    }

    @Test void aTruncatedIdxFileIsNamedWithTheProblem() throws IOException {
        Path f = idx(header(10, 28, 28), new byte[100], false);
        var e = assertThrows(DataFormatException.class, () -> IdxReader.read(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test void aBadMagicIsRejected() throws IOException {
        Path f = idx(new byte[]{1, 2, 8, 1, 0, 0, 0, 1}, new byte[1], false);
        assertTrue(assertThrows(DataFormatException.class, () -> IdxReader.read(f)).getMessage().contains("magic"));
    }

    @Test void anUnsupportedIdxTypeIsRejected() throws IOException {
        Path f = idx(new byte[]{0, 0, 0x0D, 1, 0, 0, 0, 1}, new byte[4], false);
        assertTrue(assertThrows(DataFormatException.class, () -> IdxReader.read(f)).getMessage().contains("0x0d"));
    }

    @Test void aCorruptGzipIsRejected() throws IOException {
        Path f = dir.resolve("bad.gz");
        Files.write(f, new byte[]{0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        assertThrows(DataFormatException.class, () -> IdxReader.read(f));
    }

    @Test void csvReadsFeaturesAndTarget() throws IOException {
        Path f = dir.resolve("d.csv");
        Files.writeString(f, "a,b,label\n1,2,0\n3,4,1\n");
        ArrayDataset d = CsvReader.read(f, true, -1, true);
        assertEquals(2, d.size());
        float[] in = new float[2], t = new float[1];
        d.read(1, in, 0, t, 0);
        assertArrayEquals(new float[]{3, 4}, in);
        assertEquals(1f, t[0]);
    }

    @Test void aCsvCellThatIsNotANumberNamesFileLineAndColumn() throws IOException {
        Path f = dir.resolve("e.csv");
        Files.writeString(f, "1,2,0\n3,x,1\n");
        String m = assertThrows(DataFormatException.class, () -> CsvReader.read(f, false, -1, true)).getMessage();
        assertTrue(m.contains(f.toString()) && m.contains("line 2") && m.contains("column 2"), m);
    }

    @Test void aRaggedCsvRowIsRejected() throws IOException {
        Path f = dir.resolve("r.csv");
        Files.writeString(f, "1,2,0\n3,1\n");
        assertTrue(assertThrows(DataFormatException.class, () -> CsvReader.read(f, false, -1, true)).getMessage().contains("columns"));
    }

    @Test void fashionMnistLoadsFromTheDebianPackageWhenInstalled() {
        Path debian = Path.of("/usr/share/datasets/fashion-mnist");
        org.junit.jupiter.api.Assumptions.assumeTrue(FashionMnist.isPresent(debian), "dataset-fashion-mnist is not installed");
        ArrayDataset test = FashionMnist.test(debian);
        assertEquals(10_000, test.size());
        assertEquals(Shape.of(1, 28, 28), test.inputShape());
    }
}

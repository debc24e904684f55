package dev.nabla.trainers.data;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Shape;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a numeric CSV file into a dataset: every column but the target column is an input feature.
 * Errors name the file, the line and the column.
 */
public final class CsvReader {
    private CsvReader() {}

    /**
     * @param targetColumn index of the target column (negative counts from the end)
     * @param classification true: the target is an integer class label (INT64); false: a float (FLOAT32)
     */
    public static ArrayDataset read(Path file, boolean hasHeader, int targetColumn, boolean classification) {
        List<float[]> rows = new ArrayList<>();
        int width = -1;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && hasHeader) continue;
                if (line.isBlank()) continue;
                String[] cells = line.split(",", -1);
                if (width < 0) width = cells.length;
                if (cells.length != width) {
                    throw new DataFormatException("CSV file " + file + " line " + lineNo + ": " + cells.length
                            + " columns, expected " + width + " like the first data row");
                }
                float[] row = new float[width];
                for (int c = 0; c < width; c++) {
                    try {
                        row[c] = Float.parseFloat(cells[c].trim());
                    } catch (NumberFormatException e) {
                        throw new DataFormatException("CSV file " + file + " line " + lineNo + " column " + (c + 1)
                                + ": '" + cells[c].trim() + "' is not a number");
                    }
                }
                rows.add(row);
            }
        } catch (NoSuchFileException e) {
            throw new DataFormatException("CSV file " + file + " does not exist");
        } catch (IOException e) {
            throw new DataFormatException("CSV file " + file + " could not be read: " + e.getMessage(), e);
        }
        if (rows.isEmpty()) throw new DataFormatException("CSV file " + file + " has no data rows");
        if (width < 2) throw new DataFormatException("CSV file " + file + " needs at least two columns (features and a target)");
        int t = targetColumn < 0 ? targetColumn + width : targetColumn;
        if (t < 0 || t >= width) throw new DataFormatException("CSV file " + file + ": target column " + targetColumn + " is outside its " + width + " columns");
        int nf = width - 1;
        float[] x = new float[rows.size() * nf];
        float[] y = new float[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            float[] row = rows.get(i);
            for (int c = 0, k = 0; c < width; c++) {
                if (c == t) y[i] = row[c];
                else x[i * nf + k++] = row[c];
            }
            if (classification && (y[i] < 0 || y[i] != Math.rint(y[i]))) {
                throw new DataFormatException("CSV file " + file + " data row " + (i + 1) + ": target " + y[i]
                        + " is not a non-negative integer class label");
            }
        }
        return new ArrayDataset(x, Shape.of(nf), y, classification ? Shape.scalar() : Shape.of(1),
                classification ? DType.INT64 : DType.FLOAT32);
    }
}

package dev.nabla.samples;

import dev.nabla.runtime.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Seq2SeqSampleTest {
    @Test
    void lossFallsAndBothDecodersReportAnExactMatch(@TempDir Path out) {
        RunSummary s = new Seq2SeqSample().run(Options.parse(new String[]{
                "--steps", "40", "--max-len", "5", "--d-model", "32", "--layers", "1", "--ff", "64", "--batch-size", "32",
                "--eval", "20", "--beam-eval", "3", "--beam", "2", "--out", out.toString()}));
        assertTrue(s.getDouble("train_loss") < s.getDouble("first_train_loss"), s.toString());
        assertTrue(s.getDouble("greedy_exact_match") >= 0 && s.getDouble("greedy_exact_match") <= 1);
        assertTrue(s.getDouble("beam_exact_match") >= 0 && s.getDouble("beam_exact_match") <= 1);
    }

    @Test
    void batchPadsTheSourceAndShiftsTheReversedTarget() {
        Seq2SeqSample.Batch b = Seq2SeqSample.batch(List.of(new int[]{1, 2, 3}), 4);
        try (Tensor src = b.src(); Tensor pad = b.srcPad(); Tensor in = b.tgtIn(); Tensor tgt = b.tgtOut()) {
            assertArrayEquals(new long[]{4, 5, 6, Seq2SeqSample.PAD}, src.toLongArray());
            assertArrayEquals(new float[]{0, 0, 0, 1}, pad.toFloatArray());
            assertArrayEquals(new long[]{Seq2SeqSample.BOS, 6, 5, 4, 0}, in.toLongArray());
            assertArrayEquals(new long[]{6, 5, 4, Seq2SeqSample.EOS, 0}, tgt.toLongArray());
        }
    }

    @Test
    void exactMatchCountsOnlyFullReversals() {
        double m = Seq2SeqSample.exactMatch(List.of(new int[]{1, 2}, new int[]{3, 4, 5}), List.of(new int[]{2, 1}, new int[]{5, 4}));
        assertEquals(0.5, m);
    }
}

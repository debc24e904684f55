package dev.nabla.layers;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Builds {@link Module#summary}: runs one forward under no-grad with hooks that record output shapes. */
final class ModelSummary {
    private ModelSummary() {}

    static String summarize(Module root, Shape inputShape, DType inputDType) {
        return summarize(root, "Input shape: " + inputShape + " " + inputDType,
                m -> m.call(Tensor.zeros(inputShape, inputDType, m.device())));
    }

    static String summarize(Module root, String inputDescription, java.util.function.Consumer<Module> forward) {
        Map<String, Module> modules = root.namedModules();
        Map<Module, Shape> shapes = new IdentityHashMap<>();
        Map<Module, Boolean> modes = new IdentityHashMap<>();
        List<AutoCloseable> handles = new ArrayList<>();
        for (Module m : modules.values()) {
            modes.put(m, m.isTraining());
            handles.add(m.addForwardHook((mod, out) -> shapes.put(mod, out.shape())));
        }
        // Evaluation mode so the dry run does not touch running statistics or draw dropout masks.
        root.eval();
        try (Scope ignored = Scope.open(); Autograd.NoGrad ng = Autograd.noGrad()) {
            forward.accept(root);
        } finally {
            for (AutoCloseable h : handles) {
                try {
                    h.close();
                } catch (Exception ignored) {
                    // removing a hook cannot fail
                }
            }
            for (Map.Entry<Module, Boolean> e : modes.entrySet()) e.getKey().setTrainingFlag(e.getValue());
        }
        String[] header = {"Layer (path)", "Type", "Output shape", "Param #"};
        List<String[]> rows = new ArrayList<>();
        long total = 0, trainable = 0;
        for (Map.Entry<String, Module> e : modules.entrySet()) {
            Module m = e.getValue();
            long own = 0;
            for (Parameter p : m.ownParameters().values()) own += p.data().numel();
            long buf = 0;
            for (Parameter p : m.ownBuffers().values()) if (p.isPersistent()) buf += p.data().numel();
            trainable += own;
            total += own + buf;
            Shape s = shapes.get(m);
            rows.add(new String[]{e.getKey().isEmpty() ? "(model)" : e.getKey(), m.getClass().getSimpleName(),
                    s == null ? "-" : s.toString(), String.format("%,d", own)});
        }
        int[] w = new int[4];
        for (int i = 0; i < 4; i++) w[i] = header[i].length();
        for (String[] r : rows) for (int i = 0; i < 4; i++) w[i] = Math.max(w[i], r[i].length());
        int width = w[0] + w[1] + w[2] + w[3] + 6;
        StringBuilder sb = new StringBuilder();
        sb.append(inputDescription).append('\n');
        sb.append(line(header, w)).append('\n').append("=".repeat(width)).append('\n');
        for (String[] r : rows) sb.append(line(r, w)).append('\n');
        sb.append("=".repeat(width)).append('\n');
        sb.append(String.format("Total params: %,d%n", total));
        sb.append(String.format("Trainable params: %,d%n", trainable));
        sb.append(String.format("Non-trainable params: %,d%n", total - trainable));
        return sb.toString();
    }

    private static String line(String[] r, int[] w) {
        return String.format("%-" + w[0] + "s  %-" + w[1] + "s  %-" + w[2] + "s  %" + w[3] + "s", r[0], r[1], r[2], r[3]);
    }
}

package dev.nabla.layers;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.Fixtures;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.TestTensors;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One PyTorch golden case from {@code layers/src/test/python/gen_layers.py}: loads the weights into a module (in
 * FLOAT64), builds the inputs, and checks the outputs and every parameter and input gradient. See the script for
 * the naming convention (param., in., out., gout., grad., after.).
 */
final class Golden {
    final Fixtures f;
    final String path;
    final Device device;
    final Map<String, Tensor> inputs = new LinkedHashMap<>();

    private Golden(String path, Device device) {
        this.path = path;
        this.f = Fixtures.load(path);
        this.device = device;
    }

    static Golden load(String path) { return new Golden(path, Device.CPU); }

    static Golden load(String path, Device device) { return new Golden(path, device); }

    /** The state dict stored in the fixture (Nabla names). */
    Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : names("param.")) out.put(name.substring("param.".length()), tensor(name));
        return out;
    }

    /** Converts {@code m} to FLOAT64 on the device and loads the fixture's weights (strictly). */
    <M extends Module> M load(M m) {
        m.to(DType.FLOAT64).to(device);
        m.loadStateDict(state(), true);
        return m;
    }

    /** Input {@code name}: floating ones require grad. */
    Tensor in(String name) {
        return inputs.computeIfAbsent(name, n -> {
            Tensor t = tensor("in." + n);
            return t.dtype().isFloating() ? t.requiresGrad(true) : t;
        });
    }

    /** The array names in the fixture that start with {@code prefix} (Fixtures has no listing, so read the headers). */
    java.util.List<String> names(String prefix) {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (java.io.InputStream in = Golden.class.getResourceAsStream("/fixtures/" + path)) {
            java.util.List<String> lines = new java.io.BufferedReader(new java.io.InputStreamReader(in,
                    java.nio.charset.StandardCharsets.UTF_8)).lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
            for (int i = 0; i < lines.size(); i += 2) {
                String name = lines.get(i).trim().split("\\s+")[0];
                if (name.startsWith(prefix)) out.add(name);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    Tensor tensor(String name) {
        Fixtures.Array a = f.get(name);
        DType dt = a.dtype().startsWith("int") ? DType.INT64 : a.dtype().equals("bool") ? DType.INT64 : DType.FLOAT64;
        return a.tensor(dt, device);
    }

    double[] values(String name) { return f.get(name).values(); }

    /** Checks the outputs, backpropagates sum(out * gout) and checks the gradients of {@code m}'s parameters and the inputs. */
    void check(Module m, Map<String, Tensor> outs, double atol, double rtol) {
        Tensor total = null;
        for (Map.Entry<String, Tensor> e : outs.entrySet()) {
            TestTensors.assertShape(e.getValue(), f.get("out." + e.getKey()).shape());
            TestTensors.assertClose(values("out." + e.getKey()), e.getValue(), atol, rtol, path + " out." + e.getKey());
            Tensor term = e.getValue().mul(tensor("gout." + e.getKey())).sum();
            total = total == null ? term : total.add(term);
        }
        if (total == null || !total.requiresGrad()) return;
        if (m != null) m.zeroGrad();
        total.backward();
        int checked = 0;
        if (m != null) {
            for (Map.Entry<String, Tensor> p : m.namedParameters().entrySet()) {
                String key = "grad." + p.getKey();
                if (!f.has(key)) throw new AssertionError(path + ": the fixture has no " + key);
                if (p.getValue().grad() == null) throw new AssertionError(path + ": no gradient reached " + p.getKey());
                TestTensors.assertClose(values(key), p.getValue().grad(), atol, rtol, path + " " + key);
                checked++;
            }
        }
        for (Map.Entry<String, Tensor> in : inputs.entrySet()) {
            String key = "grad.in." + in.getKey();
            if (!f.has(key)) continue;
            if (in.getValue().grad() == null) throw new AssertionError(path + ": no gradient reached input " + in.getKey());
            TestTensors.assertClose(values(key), in.getValue().grad(), atol, rtol, path + " " + key);
            checked++;
        }
        if (checked == 0) throw new AssertionError(path + ": no gradient was checked");
    }

    void check(Module m, Tensor y, double atol, double rtol) { check(m, Map.of("y", y), atol, rtol); }
}

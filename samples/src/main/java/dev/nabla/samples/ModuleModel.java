package dev.nabla.samples;

import dev.nabla.layers.Module;
import dev.nabla.runtime.Tensor;
import dev.nabla.trainers.Model;

import java.util.List;
import java.util.Map;

/** Lets the {@link dev.nabla.trainers.Trainer} drive a {@link Module} (trainers does not depend on layers). */
record ModuleModel(Module module) implements Model {
    @Override public Tensor forward(Tensor input) { return module.forward(input); }

    @Override public List<Tensor> parameters() { return module.parameters(); }

    @Override public Map<String, Tensor> stateDict() { return module.stateDict(); }

    @Override public void train(boolean training) { module.train(training); }

    @Override public void loadStateDict(Map<String, Tensor> state) { module.loadStateDict(state); }
}

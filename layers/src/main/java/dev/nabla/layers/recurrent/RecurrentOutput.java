package dev.nabla.layers.recurrent;

import dev.nabla.runtime.Tensor;

/**
 * What a recurrent layer returns: the last layer's hidden state at every step [b, t, h], the final hidden state
 * of every layer [numLayers, b, h], and for an LSTM the final cell state [numLayers, b, h] (null otherwise).
 */
public record RecurrentOutput(Tensor output, Tensor hidden, Tensor cell) {}

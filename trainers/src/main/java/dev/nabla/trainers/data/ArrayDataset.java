package dev.nabla.trainers.data;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;

/** An in-memory dataset over flat arrays: inputs {@code [n, inputShape...]} and targets {@code [n, targetShape...]}. */
public final class ArrayDataset implements Dataset {
    private final float[] inputs;
    private final float[] targets;
    private final Shape inputShape;
    private final Shape targetShape;
    private final DType targetDType;
    private final int size;
    private final int inStride;
    private final int tStride;

    public ArrayDataset(float[] inputs, Shape inputShape, float[] targets, Shape targetShape, DType targetDType) {
        this.inStride = (int) inputShape.numel();
        this.tStride = (int) targetShape.numel();
        if (inStride == 0 || inputs.length % inStride != 0) {
            throw new InvalidArgumentException("ArrayDataset: " + inputs.length + " input values do not split into examples of shape " + inputShape);
        }
        this.size = inputs.length / inStride;
        if (targets.length != (long) size * tStride) {
            throw new InvalidArgumentException("ArrayDataset: " + size + " examples need " + (long) size * tStride
                    + " target values of shape " + targetShape + ", got " + targets.length);
        }
        if (targetDType == DType.INT64 || targetDType == DType.INT32) {
            for (int i = 0; i < targets.length; i++) {
                if (Float.isNaN(targets[i]) || targets[i] != Math.rint(targets[i])) {
                    throw new InvalidArgumentException("ArrayDataset: target " + i + " is " + targets[i] + ", expected an integer class label");
                }
            }
        }
        this.inputs = inputs;
        this.targets = targets;
        this.inputShape = inputShape;
        this.targetShape = targetShape;
        this.targetDType = targetDType;
    }

    /** Class-label dataset: targets are integer labels. */
    public static ArrayDataset classification(float[] inputs, Shape inputShape, int[] labels) {
        float[] t = new float[labels.length];
        for (int i = 0; i < t.length; i++) t[i] = labels[i];
        return new ArrayDataset(inputs, inputShape, t, Shape.scalar(), DType.INT64);
    }

    @Override public int size() { return size; }

    @Override public Shape inputShape() { return inputShape; }

    @Override public Shape targetShape() { return targetShape; }

    @Override public DType targetDType() { return targetDType; }

    @Override public void read(int index, float[] input, int inputOffset, float[] target, int targetOffset) {
        if (index < 0 || index >= size) throw new IndexOutOfBoundsException("ArrayDataset: index " + index + " of " + size);
        System.arraycopy(inputs, index * inStride, input, inputOffset, inStride);
        System.arraycopy(targets, index * tStride, target, targetOffset, tStride);
    }
}

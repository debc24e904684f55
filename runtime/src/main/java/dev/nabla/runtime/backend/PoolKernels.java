package dev.nabla.runtime.backend;

/** 2-D max and average pooling (NCHW). */
public interface PoolKernels {
    PoolResult maxPool2d(Buffer x, Pool2dSpec spec);

    Buffer maxPool2dBackward(Buffer dy, Buffer argmax, Pool2dSpec spec);

    Buffer avgPool2d(Buffer x, Pool2dSpec spec);

    Buffer avgPool2dBackward(Buffer dy, Pool2dSpec spec);
}

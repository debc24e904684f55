package dev.nabla.runtime.cuda;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.Pool2dSpec;
import dev.nabla.runtime.backend.PoolKernels;
import dev.nabla.runtime.backend.PoolResult;

/** Max and average pooling of pool.cu over {@code n * c} independent planes, one thread per output. */
final class CudaPool extends CudaFamily implements PoolKernels {
    static final KernelNames KERNELS = KernelNames.create()
            .add("pool", KernelNames.FLOATS, "max_pool2d", "max_pool2d_backward", "avg_pool2d", "avg_pool2d_backward");

    CudaPool(CudaBackend backend) { super(backend); }

    @Override public PoolResult maxPool2d(Buffer x, Pool2dSpec p) {
        CudaBuffer in = buf(x, "max_pool2d");
        requireFloating("max_pool2d", in.dtype());
        long planes = planes("max_pool2d", in, p);
        long outN = planes * p.outH() * p.outW();
        CudaBuffer y = alloc(in.dtype(), outN);
        CudaBuffer arg = alloc(DType.INT32, outN);
        if (outN > 0) {
            launch("pool", k("max_pool2d", in.dtype()), CudaLauncher.Grid.linear(outN), in, y, arg, planes,
                    p.h(), p.w(), p.outH(), p.outW(), p.kh(), p.kw(), p.strideH(), p.strideW(), p.padH(), p.padW());
        }
        return new PoolResult(y, arg);
    }

    @Override public Buffer maxPool2dBackward(Buffer dy, Buffer argmax, Pool2dSpec p) {
        CudaBuffer g = buf(dy, "max_pool2d backward"), arg = buf(argmax, "max_pool2d backward");
        requireFloating("max_pool2d backward", g.dtype());
        if (arg.dtype() != DType.INT32) {
            throw new InvalidArgumentException("max_pool2d backward: argmax must be INT32 (from maxPool2d), got " + arg.dtype());
        }
        long planes = (long) p.n() * p.c();
        CudaBuffer gx = zeros(g.dtype(), planes * p.h() * p.w()); // the kernel scatters with atomicAdd
        long outN = planes * p.outH() * p.outW();
        if (outN > 0) {
            launch("pool", k("max_pool2d_backward", g.dtype()), CudaLauncher.Grid.linear(outN), g, arg, gx, planes,
                    p.h(), p.w(), p.outH(), p.outW());
        }
        return gx;
    }

    @Override public Buffer avgPool2d(Buffer x, Pool2dSpec p) {
        CudaBuffer in = buf(x, "avg_pool2d");
        requireFloating("avg_pool2d", in.dtype());
        long planes = planes("avg_pool2d", in, p);
        long outN = planes * p.outH() * p.outW();
        CudaBuffer y = alloc(in.dtype(), outN);
        if (outN > 0) {
            launch("pool", k("avg_pool2d", in.dtype()), CudaLauncher.Grid.linear(outN), in, y, planes, p.h(), p.w(),
                    p.outH(), p.outW(), p.kh(), p.kw(), p.strideH(), p.strideW(), p.padH(), p.padW(), p.countIncludePad());
        }
        return y;
    }

    @Override public Buffer avgPool2dBackward(Buffer dy, Pool2dSpec p) {
        CudaBuffer g = buf(dy, "avg_pool2d backward");
        requireFloating("avg_pool2d backward", g.dtype());
        long planes = (long) p.n() * p.c();
        long inN = planes * p.h() * p.w();
        CudaBuffer gx = alloc(g.dtype(), inN);
        if (inN > 0) {
            launch("pool", k("avg_pool2d_backward", g.dtype()), CudaLauncher.Grid.linear(inN), g, gx, planes, p.h(), p.w(),
                    p.outH(), p.outW(), p.kh(), p.kw(), p.strideH(), p.strideW(), p.padH(), p.padW(), p.countIncludePad());
        }
        return gx;
    }

    private static long planes(String op, CudaBuffer x, Pool2dSpec p) {
        long planes = (long) p.n() * p.c();
        if (x.size() != planes * p.h() * p.w()) {
            throw new InvalidArgumentException(op + ": input has " + x.size() + " elements; expected [" + p.n() + ", " + p.c()
                    + ", " + p.h() + ", " + p.w() + "]");
        }
        return planes;
    }
}

/**
 * The CUDA backend: the only package that imports {@code jcuda.*}.
 *
 * <h2>What loads what</h2>
 * <ul>
 *   <li><b>Driver API (JCuda 12.6.0)</b>: its native needs only {@code libcuda.so.1}, the driver, so the
 *       backend runs on CUDA 12 and CUDA 13 drivers alike. {@link dev.nabla.runtime.cuda.CudaBackendProvider}
 *       reports the backend unavailable, with one sentence, when the driver, a device or our PTX cannot
 *       be loaded; it never lets an {@code UnsatisfiedLinkError} escape.</li>
 *   <li><b>Our PTX kernels</b> ({@code nabla-native-kernels}) implement every op, GEMM and convolution
 *       included. Modules load lazily per family; their {@code .version} is 8.0 so CUDA 12 drivers
 *       accept them.</li>
 *   <li><b>cuBLAS (JCublas 12.6.0)</b> is an optional accelerator for matmul and the GEMMs inside
 *       convolution. Its native needs {@code libcublas.so.12}: present with a CUDA 12 toolkit, absent on
 *       CUDA-13-only hosts, where the PTX GEMM is used. Force the PTX GEMM with
 *       {@code -Dnabla.cuda.gemm=ptx}; allow TF32 tensor-core math with {@code -Dnabla.cuda.tf32=true}.</li>
 *   <li><b>cuDNN is not used.</b> The {@code jcudnn} Java jar on Maven Central stops at 11.7.0 (cuDNN 8,
 *       {@code libcudnn.so.8}); {@code jcudnn-natives} 12.6.0 targets cuDNN 9 and has no matching Java
 *       jar. Pairing them loads a native whose JNI entry points do not match the Java classes, and
 *       cuDNN 8 is not installed alongside current CUDA 12/13 stacks anyway. Convolution therefore runs
 *       as im2col + GEMM on our kernels (cuBLAS when present), which is correct everywhere and leaves a
 *       cuDNN path to be added once a consistent JCudnn 12.x/cuDNN 9 release exists.</li>
 * </ul>
 * The path each family takes is logged once when the backend starts and returned by
 * {@link dev.nabla.runtime.cuda.CudaBackend#paths()}.
 *
 * <h2>Memory</h2>
 * {@link dev.nabla.runtime.cuda.CudaAllocator} caches freed blocks in size-class bins, so a warm training
 * loop makes no driver allocations; on out-of-memory it returns its cache and retries once, then throws
 * {@link dev.nabla.runtime.cuda.CudaOutOfMemoryException} carrying allocated / reserved / peak figures.
 * All work of a device is queued on one stream, which is what makes reusing a freed block safe at once.
 */
package dev.nabla.runtime.cuda;

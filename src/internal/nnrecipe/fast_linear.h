#pragma once
// fast_linear: y = x W^T + b, exactly the function torch::linear computes,
// differentiable, with the CPU float32 matrix products done by oneDNN's sgemm
// instead of the BLAS LibTorch was built against.
//
// Why: Debian's LibTorch sends CPU matmuls to OpenBLAS, whose run-time kernel
// choice falls back to SSE3 ("Prescott") on CPUs it does not know: ~50
// GFLOP/s on 2 cores here, where oneDNN (already a LibTorch dependency; it
// picks AVX2/AVX-512 from CPUID features, not model names) reaches ~250 for
// the same 1024x256x256 product. An MLP step is almost all such products
// (bench/train_throughput).
//
// Anything else (other devices or dtypes, x not 2-D, no bias, a build without
// oneDNN) goes to torch::linear unchanged, so a CUDA build behaves as stock.
#include <torch/types.h>

namespace nnrecipe {

/// True when oneDNN's GEMM is compiled in (then CPU float32 goes through it).
bool fast_linear_available();

/// torch::linear(x, weight, bias), to float rounding; gradients for all three.
torch::Tensor fast_linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias);

}  // namespace nnrecipe

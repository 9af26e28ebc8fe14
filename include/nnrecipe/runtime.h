#pragma once
/// @file
/// @brief Process-wide runtime set-up and the versions nnrecipe runs on.
///
/// @code
/// nnrecipe::keep_freed_memory();   // once, early
/// nnrecipe::configure_threads(0);  // all cores
/// std::cout << "nnrecipe " << nnrecipe::nnrecipe_version() << ", LibTorch " << nnrecipe::torch_version() << "\n";
/// @endcode
#include <cstddef>
#include <string>

namespace nnrecipe {

/// Sets the thread count for nnrecipe's own parallel work and LibTorch's
/// intra-op pool (LibTorch defaults to 1 thread on some machines). 0 = all
/// available cores.
void configure_threads(std::size_t threads);

/// Tells glibc malloc to keep freed memory for reuse instead of returning
/// large blocks to the kernel (mmap threshold 256 MiB, trim threshold 1 GiB).
/// A training step frees and re-allocates the same activation buffers: with
/// glibc's defaults every buffer above the mmap threshold is mapped,
/// page-faulted and unmapped again each step, time spent in the kernel
/// (bench/train_throughput measures it). Call once, early; the CLI does.
/// No-op on other C libraries.
void keep_freed_memory();

std::string nnrecipe_version();
std::string torch_version();
std::string xgboost_version();
/// The BLAS library actually loaded ("OpenBLAS 0.3.21 ..." via
/// openblas_get_config, or a note that it is not OpenBLAS).
std::string blas_info();

}  // namespace nnrecipe

#pragma once
// Process-wide runtime set-up and the versions nnrecipe runs on.
#include <cstddef>
#include <string>

namespace nnrecipe {

/// Sets the thread count for nnrecipe's own parallel work and LibTorch's
/// intra-op pool (LibTorch defaults to 1 thread on some machines). 0 = all
/// available cores.
void configure_threads(std::size_t threads);

std::string nnrecipe_version();
std::string torch_version();
std::string xgboost_version();
/// The BLAS library actually loaded ("OpenBLAS 0.3.21 ..." via
/// openblas_get_config, or a note that it is not OpenBLAS).
std::string blas_info();

}  // namespace nnrecipe

#include <dlfcn.h>
#include <torch/version.h>
#include <xgboost/c_api.h>

#include <string>

#include "nnrecipe/runtime.h"

namespace nnrecipe {

std::string nnrecipe_version() { return NNRECIPE_VERSION; }

std::string torch_version() { return TORCH_VERSION; }

std::string xgboost_version() {
  int major = 0, minor = 0, patch = 0;
  XGBoostVersion(&major, &minor, &patch);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

std::string blas_info() {
  // LibTorch links libblas.so.3, which Debian's alternatives point at
  // OpenBLAS or at the (much slower) reference BLAS; ask what was loaded.
  using ConfigFn = char* (*)();
  if (auto fn = reinterpret_cast<ConfigFn>(dlsym(RTLD_DEFAULT, "openblas_get_config"))) {
    std::string info = fn();
    using ThreadsFn = int (*)();
    if (auto threads = reinterpret_cast<ThreadsFn>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"))) {
      info += " (threads " + std::to_string(threads()) + ")";
    }
    // 2 = OpenMP threads (LibTorch's pool); 1 = a pthread pool of its own,
    // which competes with LibTorch's for the cores (see cmake/Dependencies.cmake).
    if (auto parallel = reinterpret_cast<ThreadsFn>(dlsym(RTLD_DEFAULT, "openblas_get_parallel"))) {
      const int mode = parallel();
      info += mode == 2 ? " OpenMP" : mode == 1 ? " pthreads" : " sequential";
    }
    return info;  // starts with "OpenBLAS <version>"
  }
  return "not OpenBLAS (openblas_get_config not found; run scripts/install-deps.sh to select it)";
}

}  // namespace nnrecipe

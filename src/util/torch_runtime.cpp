#include <torch/torch.h>

#include "nnrecipe/parallel.h"
#include "nnrecipe/runtime.h"

namespace nnrecipe {

void configure_threads(std::size_t threads) {
  set_num_threads(threads);
  torch::set_num_threads(static_cast<int>(num_threads()));
}

}  // namespace nnrecipe

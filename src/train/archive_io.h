#pragma once
// Writing a LibTorch archive (weights, checkpoints) whole or not at all.
#include <torch/torch.h>

#include <string>

namespace nnrecipe {

/// Saves `archive` to PATH through PATH.tmp, flushed to disk (fsync) before
/// the rename, so a crash or an interrupt leaves the old file or the new one,
/// never half of one. A failure is an InputError when the path is the
/// problem (a missing folder, no permission) and a SystemError otherwise.
void save_archive_atomic(torch::serialize::OutputArchive& archive, const std::string& path);

}  // namespace nnrecipe

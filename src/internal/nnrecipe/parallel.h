#pragma once
// Thread count for the whole process (--threads / train.threads) and a small
// parallel-for over independent tasks. No thread pool: the tasks here are
// coarse (file chunks, columns), so starting threads per call costs nothing.
#include <cstddef>
#include <functional>

namespace nnrecipe {

/// Cores this process may run on (affinity-aware); at least 1.
std::size_t available_cores();
/// The process-wide thread count (default: available_cores()).
std::size_t num_threads();
/// Sets the process-wide thread count; 0 means available_cores().
/// Call set_torch_threads() too where LibTorch is used.
void set_num_threads(std::size_t n);

/// Runs fn(task) for task in [0, tasks) on up to `threads` threads
/// (0 = num_threads()). If tasks throw, rethrows the exception of the
/// lowest-numbered failing task, so errors are deterministic.
void parallel_for(std::size_t tasks, const std::function<void(std::size_t task)>& fn, std::size_t threads = 0);

}  // namespace nnrecipe

#include "nnrecipe/parallel.h"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace nnrecipe {
namespace {
std::atomic<std::size_t> g_threads{0};
}

std::size_t available_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<std::size_t>(n);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

std::size_t num_threads() {
  const std::size_t n = g_threads.load();
  return n == 0 ? available_cores() : n;
}

void set_num_threads(std::size_t n) { g_threads.store(n); }

void parallel_for(std::size_t tasks, const std::function<void(std::size_t)>& fn, std::size_t threads) {
  if (threads == 0) threads = num_threads();
  threads = std::min(threads, tasks);
  if (threads <= 1) {
    for (std::size_t t = 0; t < tasks; ++t) fn(t);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::mutex error_mutex;
  std::size_t error_task = tasks;
  std::exception_ptr error;
  auto worker = [&] {
    for (std::size_t t; (t = next.fetch_add(1)) < tasks;) {
      try {
        fn(t);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (t < error_task) {
          error_task = t;
          error = std::current_exception();
        }
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (std::size_t i = 1; i < threads; ++i) pool.emplace_back(worker);
  worker();
  for (std::thread& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace nnrecipe

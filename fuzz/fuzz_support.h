#pragma once
// Shared by the libFuzzer harnesses: the input as a file (the readers take
// paths, as the CLI does), and the one kind of failure a reader may report.
// Anything else escaping a reader (a std::out_of_range, a YAML or JSON
// library exception, a crash, a sanitizer report) is a bug the fuzzer finds.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

namespace nnrecipe::fuzz {

/// A per-process scratch file in memory-backed /dev/shm when there is one.
inline std::string scratch_path(const std::string& suffix) {
  const char* dir = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  return std::string(dir) + "/nnrecipe-fuzz-" + std::to_string(::getpid()) + suffix;
}

inline void write_file(const std::string& path, const uint8_t* data, std::size_t size) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) __builtin_trap();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) __builtin_trap();
  std::fclose(f);
}

/// Fails the run (libFuzzer reports it with the input) when `ok` is false:
/// an invariant of the reader's result that does not hold.
inline void require(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace nnrecipe::fuzz

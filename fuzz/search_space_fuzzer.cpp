// The tune search-space reader on arbitrary YAML, then the sampler's use of
// a space that loaded: points of the unit cube (from the input's last bytes)
// assigned to values and applied to the default config. A space that loads
// must assign a value to every parameter whose `when` condition holds, and
// the values are either accepted by the config or refused with InputError.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "nnrecipe/config.h"
#include "nnrecipe/error.h"
#include "nnrecipe/search_space.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  // The last byte says how many trailing bytes are coordinates (0..15).
  const std::size_t coordinates = size > 0 ? std::min<std::size_t>(data[size - 1] & 15, size - 1) : 0;
  const std::size_t text_size = size - (size > 0 ? coordinates + 1 : 0);
  const std::string text(reinterpret_cast<const char*>(data), text_size);
  nnrecipe::SearchSpace space;
  try {
    space = nnrecipe::parse_search_space(text, "fuzz-space.yaml");
  } catch (const nnrecipe::InputError&) {
    return 0;
  }
  std::vector<double> unit(space.dims(), 0.5);
  for (std::size_t i = 0; i < unit.size() && i < coordinates; ++i) unit[i] = data[text_size + i] / 255.0;
  const nnrecipe::Config base;
  try {
    const nnrecipe::Assignment a = nnrecipe::assign(space, unit, base);
    nnrecipe::fuzz::require(a.size() <= space.params.size());
    (void)nnrecipe::to_string(a);
    (void)nnrecipe::apply_assignment(base, a);
  } catch (const nnrecipe::InputError&) {
  }
  return 0;
}

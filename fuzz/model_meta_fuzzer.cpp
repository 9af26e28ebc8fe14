// The readers of a saved model directory's JSON on arbitrary bytes: the
// first byte picks meta.json (parse_model_metadata), ensemble.json
// (parse_ensemble_index) or transform.json (FittedTransform::from_json);
// the rest is the file. What loads must also write back what it read:
// the JSON written from it parses to the same JSON again.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "fuzz_support.h"
#include "nnrecipe/error.h"
#include "nnrecipe/model_meta.h"
#include "nnrecipe/transforms.h"

namespace {

using nnrecipe::fuzz::require;

void metadata(const nlohmann::json& j) {
  const nnrecipe::ModelMetadata m = nnrecipe::parse_model_metadata(j, "meta.json");
  const nlohmann::json written = nnrecipe::model_metadata_json(m);
  require(nnrecipe::model_metadata_json(nnrecipe::parse_model_metadata(written, "again")) == written);
}

void ensemble(const nlohmann::json& j) {
  const nnrecipe::EnsembleIndex index = nnrecipe::parse_ensemble_index(j, "ensemble.json");
  double total = 0;
  for (const nnrecipe::EnsembleMember& m : index.members) total += m.weight;
  require(!index.members.empty() && total > 0.999 && total < 1.001);
  const nlohmann::json written = nnrecipe::ensemble_index_json(index);
  require(nnrecipe::parse_ensemble_index(written, "again").members.size() == index.members.size());
}

void transform(const nlohmann::json& j) {
  const nnrecipe::FittedTransform t = nnrecipe::FittedTransform::from_json(j, "transform.json");
  require(t.dense_names().size() == t.dense_width());
  (void)t.embedding_cardinalities();
  (void)t.column_types();
  const nlohmann::json written = t.to_json();
  require(nnrecipe::FittedTransform::from_json(written, "again").to_json() == written);
  if (t.target()) {
    (void)t.inverse_target(0.5);
    try {
      (void)t.forward_target(2.0);
    } catch (const nnrecipe::InputError&) {
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const nlohmann::json j = nlohmann::json::parse(data + 1, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;  // not JSON: read_json_file reports that with the line and column
  try {
    switch (data[0] % 3) {
      case 0: metadata(j); break;
      case 1: ensemble(j); break;
      default: transform(j); break;
    }
  } catch (const nnrecipe::InputError&) {
  }
  return 0;
}

// inspect_images: stage 1 of the recipe on an image dataset directory.
// Class balance uses the same checks as a table's target; duplicates are
// found by hashing each image's bytes and confirmed byte by byte.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>
#include <unordered_map>

#include "inspect/inspect_support.h"
#include "nnrecipe/parallel.h"
#include "nnrecipe/png.h"
#include "nnrecipe/random.h"

namespace nnrecipe {

using namespace inspect_detail;

namespace {

constexpr std::size_t kSheetImages = 8;  // per class in the contact sheet
constexpr double kDuplicateWarnShare = 0.01;

std::vector<ValueCount> class_counts(const ImageSet& set, std::size_t classes, std::vector<std::size_t>& raw) {
  raw.assign(classes, 0);
  for (int64_t y : set.labels) {
    if (y >= 0 && static_cast<std::size_t>(y) < classes) ++raw[static_cast<std::size_t>(y)];
  }
  std::vector<ValueCount> sorted;
  for (std::size_t k = 0; k < classes; ++k) {
    if (raw[k] > 0) sorted.push_back({std::to_string(k), raw[k]});
  }
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const ValueCount& a, const ValueCount& b) { return a.count > b.count; });
  return sorted;
}

std::vector<uint64_t> image_hashes(const ImageSet& set) {
  const std::size_t bytes = set.rows * set.cols;
  std::vector<uint64_t> hash(set.count);
  parallel_for(num_threads(), [&](std::size_t t) {
    for (std::size_t i = t; i < set.count; i += num_threads()) {
      hash[i] = hash_bytes(reinterpret_cast<const char*>(set.image(i)), bytes);
    }
  });
  return hash;
}

bool same_image(const ImageSet& a, std::size_t i, const ImageSet& b, std::size_t j) {
  return std::memcmp(a.image(i), b.image(j), a.rows * a.cols) == 0;
}

void duplicates(const ImageSet& train, const std::vector<uint64_t>& hash, const InspectOptions& options,
                nlohmann::json& summary, std::vector<Finding>& out) {
  std::unordered_map<uint64_t, std::vector<std::size_t>> by_hash;
  for (std::size_t i = 0; i < hash.size(); ++i) by_hash[hash[i]].push_back(i);
  std::vector<std::vector<std::size_t>> groups;
  for (auto& [h, rows] : by_hash) {
    while (rows.size() > 1) {
      std::vector<std::size_t> group, other;
      for (std::size_t r : rows) (same_image(train, rows[0], train, r) ? group : other).push_back(r);
      if (group.size() > 1) groups.push_back(group);
      rows = std::move(other);
    }
  }
  std::sort(groups.begin(), groups.end());
  std::size_t extra = 0, conflicting = 0;
  nlohmann::json examples = nlohmann::json::array(), conflict_examples = nlohmann::json::array();
  for (const auto& g : groups) {
    extra += g.size() - 1;
    std::vector<std::size_t> rows;
    std::vector<int64_t> labels;
    for (std::size_t r : g) {
      rows.push_back(r + 1);
      if (std::find(labels.begin(), labels.end(), train.labels[r]) == labels.end()) labels.push_back(train.labels[r]);
    }
    if (examples.size() < options.examples) examples.push_back(rows);
    if (labels.size() > 1) {
      ++conflicting;
      if (conflict_examples.size() < options.examples)
        conflict_examples.push_back({{"rows", rows}, {"labels", labels}});
    }
  }
  summary["within_train"] = extra;
  if (extra > 0) {
    const double share = static_cast<double>(extra) / static_cast<double>(train.count);
    out.push_back(finding("data.duplicates", share > kDuplicateWarnShare ? Severity::Warn : Severity::Info,
                          fmt::format("{} training images ({}) are exact copies of another, in {} group(s).", extra,
                                      percent(share), groups.size()),
                          {{"duplicate_images", extra},
                           {"share", round4(share)},
                           {"groups", groups.size()},
                           {"example_groups", examples}},
                          "Copies weigh double in training and inflate validation when one lands there: keep one "
                          "of each."));
  }
  if (conflicting > 0) {
    out.push_back(finding("data.conflicting_labels", Severity::Warn,
                          fmt::format("{} group(s) of identical training images carry different labels.", conflicting),
                          {{"groups", conflicting}, {"example_groups", conflict_examples}},
                          "No model can get both right: check those labels."));
  }
}

void overlap(const ImageSet& train, const std::vector<uint64_t>& train_hash, const ImageSet& test,
             const InspectOptions& options, nlohmann::json& summary, std::vector<Finding>& out) {
  std::unordered_map<uint64_t, std::size_t> first;
  for (std::size_t i = 0; i < train_hash.size(); ++i) first.emplace(train_hash[i], i);
  const std::vector<uint64_t> test_hash = image_hashes(test);
  std::size_t found = 0;
  nlohmann::json examples = nlohmann::json::array();
  for (std::size_t i = 0; i < test_hash.size(); ++i) {
    const auto it = first.find(test_hash[i]);
    if (it == first.end() || !same_image(test, i, train, it->second)) continue;
    ++found;
    if (examples.size() < options.examples) examples.push_back({{"test_row", i + 1}, {"train_row", it->second + 1}});
  }
  summary["train_test"] = found;
  if (found == 0) return;
  const double share = static_cast<double>(found) / static_cast<double>(test.count);
  out.push_back(finding("data.train_test_overlap", Severity::Warn,
                        fmt::format("{} test images ({}) are exact copies of training images.", found, percent(share)),
                        {{"test_images", found}, {"share", round4(share)}, {"examples", examples}},
                        "The test score counts them as unseen and is optimistic by that much: remove them from "
                        "one side."));
}

// Per-pixel mean and std over the training images, as numbers and as
// grayscale pictures (std stretched to its maximum so its shape shows).
nlohmann::json pixel_statistics(const ImageSet& train) {
  const std::size_t size = train.rows * train.cols;
  std::vector<double> sum(size, 0), sq(size, 0);
  for (std::size_t i = 0; i < train.count; ++i) {
    const uint8_t* p = train.image(i);
    for (std::size_t k = 0; k < size; ++k) sum[k] += p[k], sq[k] += double(p[k]) * p[k];
  }
  const double n = static_cast<double>(std::max<std::size_t>(train.count, 1));
  std::vector<uint8_t> mean_img(size), std_img(size);
  std::vector<double> stdv(size);
  double all_sum = 0, all_sq = 0, max_std = 0;
  for (std::size_t k = 0; k < size; ++k) {
    const double m = sum[k] / n;
    stdv[k] = std::sqrt(std::max(0.0, sq[k] / n - m * m));
    max_std = std::max(max_std, stdv[k]);
    mean_img[k] = static_cast<uint8_t>(std::lround(m));
    all_sum += sum[k], all_sq += sq[k];
  }
  for (std::size_t k = 0; k < size; ++k) {
    std_img[k] = static_cast<uint8_t>(max_std > 0 ? std::lround(255 * stdv[k] / max_std) : 0);
  }
  const double total = n * static_cast<double>(size);
  const double mean = all_sum / total;
  const double std = std::sqrt(std::max(0.0, all_sq / total - mean * mean));
  return {{"mean", round4(mean / 255)},
          {"std", round4(std / 255)},
          {"scale", "pixel / 255"},
          {"max_pixel_std", round4(max_std / 255)},
          {"mean_image_png", png_data_uri(mean_img.data(), train.cols, train.rows)},
          {"std_image_png", png_data_uri(std_img.data(), train.cols, train.rows)}};
}

nlohmann::json contact_sheet(const ImageSet& train, std::size_t classes, uint64_t seed) {
  std::vector<std::vector<std::size_t>> rows(classes);
  for (std::size_t i = 0; i < train.count; ++i) {
    const int64_t y = train.labels[i];
    if (y >= 0 && static_cast<std::size_t>(y) < classes) rows[static_cast<std::size_t>(y)].push_back(i);
  }
  std::mt19937_64 rng(seed);
  nlohmann::json sheet = nlohmann::json::array();
  const std::size_t w = train.cols, h = train.rows;
  for (std::size_t k = 0; k < classes; ++k) {
    if (rows[k].empty()) continue;
    shuffle_in_place(rows[k], rng);
    const std::size_t shown = std::min(kSheetImages, rows[k].size());
    rows[k].resize(shown);
    std::sort(rows[k].begin(), rows[k].end());
    const std::size_t width = shown * (w + 1) - 1;  // one light pixel between images
    std::vector<uint8_t> strip(width * h, 255);
    for (std::size_t s = 0; s < shown; ++s) {
      for (std::size_t r = 0; r < h; ++r) {
        std::memcpy(&strip[r * width + s * (w + 1)], train.image(rows[k][s]) + r * w, w);
      }
    }
    std::vector<std::size_t> one_based;
    for (std::size_t r : rows[k]) one_based.push_back(r + 1);
    sheet.push_back({{"class", k}, {"rows", one_based}, {"png", png_data_uri(strip.data(), width, h)}});
  }
  return sheet;
}

}  // namespace

ImageInspection inspect_images(const ImageDataset& data, const InspectOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  ImageInspection result;
  std::vector<Finding> found;
  const ImageSet& train = data.train;
  nlohmann::json dup = {{"within_train", 0}, {"train_test", 0}};
  std::vector<std::size_t> train_counts, test_counts;
  const std::vector<ValueCount> classes = class_counts(train, data.classes, train_counts);
  class_counts(data.test, data.classes, test_counts);
  if (train.count == 0) {
    found.push_back(finding("data.empty", Severity::Error, "The training split has no images.", {{"train_images", 0}},
                            "Check the directory's train-images file."));
  } else {
    class_balance_checks("label", classes, found);
    const std::vector<uint64_t> hash = image_hashes(train);
    duplicates(train, hash, options, dup, found);
    if (data.test.count > 0) overlap(train, hash, data.test, options, dup, found);
  }
  result.findings.add(std::move(found), options.ignore);

  auto split = [](const ImageSet& s) {
    return nlohmann::json{{"images", s.count}, {"height", s.rows}, {"width", s.cols}};
  };
  nlohmann::json& j = result.report;
  j = {{"kind", "images"},
       {"directory", data.directory},
       {"classes", data.classes},
       {"rows", train.count + data.test.count},
       {"train", split(train)},
       {"test", split(data.test)},
       {"class_counts", {{"train", train_counts}, {"test", test_counts}}},
       {"duplicates", dup}};
  if (train.count > 0) {
    j["pixel"] = pixel_statistics(train);
    j["contact_sheet"] = contact_sheet(train, data.classes, options.seed);
  }
  j["verdict"] = verdict_of(result.findings);
  j["verdict_text"] = verdict_sentence(j["verdict"]);
  const nlohmann::json f = to_json(result.findings);
  j["findings"] = f.at("findings");
  j["ignored"] = f.at("ignored");
  j["seconds"] = round4(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return result;
}

}  // namespace nnrecipe

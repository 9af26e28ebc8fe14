// inspect_images: class balance, duplicates, conflicting labels and
// train/test overlap on planted image sets; quiet on Fashion-MNIST, whose
// train and test splits share no image (checked with numpy too).
#include <gtest/gtest.h>

#include "nnrecipe/idx.h"
#include "nnrecipe/inspect.h"
#include "test_support.h"

namespace nnrecipe::test {
namespace {

// `count` distinct 4x4 images (pixel = image number + position), labels i % classes.
ImageSet images(std::size_t count, std::size_t classes, uint8_t offset = 0) {
  ImageSet s;
  s.count = count;
  s.rows = s.cols = 4;
  for (std::size_t i = 0; i < count; ++i) {
    for (std::size_t k = 0; k < 16; ++k) s.pixels.push_back(static_cast<uint8_t>(offset + i * 3 + k));
    s.labels.push_back(static_cast<int64_t>(i % classes));
  }
  return s;
}

void copy_image(ImageSet& to, std::size_t at, const ImageSet& from, std::size_t i) {
  std::copy(from.image(i), from.image(i) + 16, to.pixels.begin() + static_cast<std::ptrdiff_t>(at * 16));
}

const nlohmann::json* finding(const ImageInspection& r, const std::string& id) {
  for (const auto& f : r.report.at("findings")) {
    if (f.at("id") == id) return &f;
  }
  return nullptr;
}

TEST(ImageInspect, CleanSetsRaiseNothing) {
  ImageDataset d;
  d.train = images(60, 3);
  d.test = images(30, 3, 200);
  d.classes = 3;
  const ImageInspection r = inspect_images(d, {});
  EXPECT_TRUE(r.findings.findings.empty()) << r.report.at("findings").dump();
  EXPECT_EQ(r.report.at("verdict"), "pass");
  EXPECT_EQ(r.report.at("class_counts").at("train"), nlohmann::json({20, 20, 20}));
  EXPECT_EQ(r.report.at("contact_sheet").size(), 3u);
  EXPECT_EQ(r.report.at("contact_sheet")[0].at("png").get<std::string>().rfind("data:image/png;base64,", 0), 0u);
  EXPECT_EQ(r.report.at("contact_sheet")[0].at("rows").size(), 8u);
}

TEST(ImageInspect, DuplicatesConflictsAndOverlap) {
  ImageDataset d;
  d.train = images(60, 3);
  d.test = images(30, 3, 200);
  d.classes = 3;
  copy_image(d.train, 10, d.train, 0);  // same label (0 and 10 are both... 10 % 3 = 1): a conflict
  copy_image(d.train, 9, d.train, 0);   // 9 % 3 = 0: same label as image 0
  copy_image(d.test, 5, d.train, 7);
  copy_image(d.test, 6, d.train, 8);
  const ImageInspection r = inspect_images(d, {});
  const nlohmann::json* dup = finding(r, "data.duplicates");
  ASSERT_TRUE(dup) << r.report.at("findings").dump();
  EXPECT_EQ(dup->at("evidence").at("duplicate_images"), 2);
  EXPECT_EQ(dup->at("evidence").at("example_groups")[0], nlohmann::json({1, 10, 11}));
  const nlohmann::json* conflict = finding(r, "data.conflicting_labels");
  ASSERT_TRUE(conflict);
  EXPECT_EQ(conflict->at("evidence").at("groups"), 1);
  const nlohmann::json* overlap = finding(r, "data.train_test_overlap");
  ASSERT_TRUE(overlap);
  EXPECT_EQ(overlap->at("evidence").at("test_images"), 2);
  EXPECT_EQ(overlap->at("evidence").at("examples")[0].at("test_row"), 6);
  EXPECT_EQ(overlap->at("evidence").at("examples")[0].at("train_row"), 8);
  EXPECT_EQ(r.report.at("duplicates").at("train_test"), 2);
}

TEST(ImageInspect, ClassImbalanceAndTooFewPerClass) {
  ImageDataset d;
  d.train = images(200, 2);
  d.classes = 3;
  for (std::size_t i = 0; i < 5; ++i) d.train.labels[i * 2] = 2;  // class 2: 5 images
  const ImageInspection r = inspect_images(d, {});
  EXPECT_TRUE(finding(r, "data.class_imbalance")) << r.report.at("findings").dump();
  EXPECT_TRUE(finding(r, "data.small"));
}

TEST(ImageInspect, FashionMnistIsBalancedAndHasNoCopies) {
  if (!exists(fashion_mnist_dir())) GTEST_SKIP() << "dataset-fashion-mnist not installed";
  const ImageInspection r = inspect_images(load_image_directory(fashion_mnist_dir()), {});
  EXPECT_TRUE(r.findings.findings.empty()) << r.report.at("findings").dump();
  EXPECT_EQ(r.report.at("class_counts").at("train")[3], 6000);
  EXPECT_NEAR(r.report.at("pixel").at("mean").get<double>(), 0.286, 0.001);  // the usual normalization constants
  EXPECT_NEAR(r.report.at("pixel").at("std").get<double>(), 0.353, 0.001);
  EXPECT_EQ(r.report.at("contact_sheet").size(), 10u);
}

}  // namespace
}  // namespace nnrecipe::test

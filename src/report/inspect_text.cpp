// Terminal summary of an inspection (src/internal/nnrecipe/inspect_text.h).
#include "nnrecipe/inspect_text.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "nnrecipe/text_table.h"

namespace nnrecipe {
namespace {

std::string number(const nlohmann::json& v) { return v.is_number() ? fmt::format("{:.4g}", v.get<double>()) : ""; }

std::string findings_text(const nlohmann::json& j) {
  const nlohmann::json& list = j.at("findings");
  std::size_t count[3] = {0, 0, 0};
  for (const auto& f : list) {
    const std::string s = f.at("severity");
    ++count[s == "error" ? 0 : s == "warn" ? 1 : 2];
  }
  std::string out = fmt::format("findings: {} error, {} warn, {} info\n", count[0], count[1], count[2]);
  for (const auto& f : list) {
    out += fmt::format("  {:<5} {}: {}\n", f.at("severity").get<std::string>(), f.at("id").get<std::string>(),
                       f.at("message").get<std::string>());
    out += fmt::format("        fix: {}\n", f.at("fix").get<std::string>());
  }
  if (!j.at("ignored").empty()) out += "  silenced: " + j.at("ignored").dump() + "\n";
  return out;
}

std::string column_summary(const nlohmann::json& c) {
  if (c.contains("numeric")) {
    const nlohmann::json& n = c.at("numeric");
    return fmt::format("{} .. {} .. {} (mean {}, std {})", number(n.at("min")), number(n.at("median")),
                       number(n.at("max")), number(n.at("mean")), number(n.at("std")));
  }
  std::string out;
  const nlohmann::json& top = c.at("top_values");
  for (std::size_t i = 0; i < top.size() && i < 3; ++i) {
    out += fmt::format("{}{} ({})", i ? ", " : "", top[i].at("value").get<std::string>(),
                       top[i].at("count").get<std::size_t>());
  }
  return out;
}

std::string table_text(const nlohmann::json& j, std::size_t top_features) {
  std::string out = fmt::format("{}: {} rows x {} columns", j.at("source").get<std::string>(),
                                j.at("rows").get<std::size_t>(), j.at("cols").get<std::size_t>());
  if (j.contains("target")) {
    out += fmt::format(", target '{}' ({})", j.at("target").get<std::string>(),
                       j.contains("task") ? j.at("task").get<std::string>() : "absent");
  }
  if (j.contains("test")) out += fmt::format("; test file: {} rows", j.at("test").at("rows").get<std::size_t>());
  out += "\n";
  if (j.contains("target_profile") && j.at("target_profile").contains("classes")) {
    out += "classes:";
    const nlohmann::json& classes = j.at("target_profile").at("classes");
    for (std::size_t i = 0; i < classes.size() && i < 10; ++i) {
      out += fmt::format(" {} {} ({:.1f}%){}", classes[i].at("value").get<std::string>(),
                         classes[i].at("count").get<std::size_t>(), 100 * classes[i].at("share").get<double>(),
                         i + 1 < classes.size() ? "," : "");
    }
    if (classes.size() > 10) out += fmt::format(" and {} more", classes.size() - 10);
    out += "\n";
  }
  out += "\n";
  using A = TextTable::Align;
  TextTable cols({"column", "type", "missing", "distinct", "values", "power", ""},
                 {A::Left, A::Left, A::Right, A::Right, A::Left, A::Right, A::Left});
  for (const auto& c : j.at("columns")) {
    cols.add_row(
        {c.at("name").get<std::string>(), c.at("type").get<std::string>(),
         c.at("missing").get<std::size_t>() ? fmt::format("{:.1f}%", 100 * c.at("missing_share").get<double>()) : "0",
         std::to_string(c.at("distinct").get<std::size_t>()), column_summary(c),
         c.contains("power") ? fmt::format("{:.3f}", c.at("power").get<double>()) : "",
         c.at("role") == "target" ? "<- target" : ""});
  }
  out += cols.render(60) + "\n";
  const nlohmann::json& power = j.at("predictive_power");
  if (!power.at("features").empty()) {
    const std::string metric = power.at("metric");
    out += fmt::format("top features by predictive power alone ({}, held-out rows; {} is chance):\n",
                       metric == "auc" ? "AUC" : "R^2", metric == "auc" ? "0.5" : "0");
    const nlohmann::json& f = power.at("features");
    for (std::size_t i = 0; i < f.size() && i < top_features; ++i) {
      const double s = f[i].at("score");
      const double bar = metric == "auc" ? std::max(0.0, (s - 0.5) * 2) : s;
      out += fmt::format("  {:<24} {:.3f} {}\n", f[i].at("column").get<std::string>().substr(0, 24), s,
                         std::string(static_cast<std::size_t>(bar * 30 + 0.5), '#'));
    }
    out += "\n";
  }
  return out;
}

std::string image_text(const nlohmann::json& j) {
  std::string out = fmt::format("{}: image dataset, {} classes, {} rows\n\n", j.at("directory").get<std::string>(),
                                j.at("classes").get<std::size_t>(), j.at("rows").get<std::size_t>());
  using A = TextTable::Align;
  TextTable t({"split", "images", "height", "width", "images per class"},
              {A::Left, A::Right, A::Right, A::Right, A::Left});
  for (const char* split : {"train", "test"}) {
    const nlohmann::json& s = j.at(split);
    std::string per_class;
    for (const auto& c : j.at("class_counts").at(split)) per_class += (per_class.empty() ? "" : " ") + c.dump();
    t.add_row({split, std::to_string(s.at("images").get<std::size_t>()),
               std::to_string(s.at("height").get<std::size_t>()), std::to_string(s.at("width").get<std::size_t>()),
               per_class});
  }
  out += t.render(80);
  if (j.contains("pixel")) {
    out += fmt::format("\npixels (/255): mean {}, std {}\n", number(j.at("pixel").at("mean")),
                       number(j.at("pixel").at("std")));
  }
  out += fmt::format("duplicates: {} within train, {} test images also in train\n\n",
                     j.at("duplicates").at("within_train").get<std::size_t>(),
                     j.at("duplicates").at("train_test").get<std::size_t>());
  return out;
}

}  // namespace

std::string render_inspect_summary(const nlohmann::json& j, std::size_t top_features) {
  std::string out = j.at("kind") == "images" ? image_text(j) : table_text(j, top_features);
  out += findings_text(j);
  std::string verdict = j.at("verdict");
  for (char& ch : verdict) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  out += fmt::format("\nverdict: {}: {} ({:.2f} s)\n", verdict, j.at("verdict_text").get<std::string>(),
                     j.at("seconds").get<double>());
  return out;
}

}  // namespace nnrecipe

// Stage 1, inspect (docs/recipe.md): the `inspect` command's checks on
// the training file (and the test file), and what the pipeline does about
// them: constant and id-like columns leave the features; an error finding
// (leakage, an empty table) stops the run under --strict, else it is carried
// into the report as a warning the user cannot miss.
#include <fmt/format.h>

#include <algorithm>

#include "nnrecipe/csv.h"
#include "nnrecipe/error.h"
#include "nnrecipe/idx.h"
#include "nnrecipe/inspect.h"
#include "nnrecipe/prepared_data.h"
#include "recipe/recipe_support.h"

namespace nnrecipe::recipe_detail {
namespace {

bool fired(const FindingSet& set, const std::string& id) {
  for (const Finding& f : set.findings) {
    if (f.id == id) return true;
  }
  return false;
}

/// The columns data.constant and data.id_like named (the same rules; those
/// checks may be silenced, and then nothing is dropped for them). Id-like
/// is a heuristic, so id-like columns stay when dropping them would leave
/// no feature: the run ends with a model and the warning stands.
std::vector<std::string> columns_to_drop(const Inspection& in, std::vector<std::string>& kept_ids) {
  std::vector<std::string> drop, ids;
  const bool constant = fired(in.findings, "data.constant"), id_like = fired(in.findings, "data.id_like");
  std::size_t features = 0;
  for (const ColumnProfile& p : in.columns) {
    if (p.is_target) continue;
    ++features;
    if (constant && is_constant_column(p)) {
      drop.push_back(p.name);
    } else if (id_like && is_id_like_column(p, in.rows)) {
      ids.push_back(p.name);
    }
  }
  if (drop.size() + ids.size() < features) {
    drop.insert(drop.end(), ids.begin(), ids.end());
  } else {
    kept_ids = ids;
  }
  return drop;
}

void inspect_image_data(Context& ctx) {
  InspectOptions io;
  io.seed = static_cast<uint64_t>(ctx.base.train.seed.value_or(0));
  io.ignore = ctx.base.checks.ignore;
  ctx.result.image_inspection = inspect_images(load_image_directory(ctx.base.data.train), io);
  add_findings(ctx.result.findings, ctx.result.image_inspection.findings);
}

/// Returns the id-like columns kept because they are the only features.
std::vector<std::string> inspect_table_data(Context& ctx) {
  const Config& c = ctx.base;
  const CsvOptions csv = csv_options(c.data);
  const Table train = read_csv(c.data.train, csv);
  train.require_column(c.data.target, c.data.train, "target column");
  for (const FeatureGroup& g : parse_feature_groups(c.data.groups)) {
    for (const std::string& column : g.columns) {
      train.require_column(column, c.data.train, fmt::format("data.groups column (group '{}')", g.name));
      if (column == c.data.target) {
        throw InputError(fmt::format("data.groups: group '{}' holds the target column '{}'", g.name, column));
      }
    }
  }
  std::optional<Table> test;
  if (!c.data.test.empty()) test = read_csv_like(c.data.test, train, c.data.train, csv);
  InspectOptions io;
  io.target = c.data.target;
  if (c.data.task != "auto") io.task = parse_task(c.data.task);  // validated with the config
  io.seed = static_cast<uint64_t>(c.train.seed.value_or(0));
  io.ignore = c.checks.ignore;
  ctx.result.inspection = inspect_table(train, io, test ? &*test : nullptr);
  ctx.result.inspection.source = c.data.train;
  ctx.result.inspection.test_source = c.data.test;
  add_findings(ctx.result.findings, ctx.result.inspection.findings);

  // Inputs nothing can be trained on stop here as bad input (exit 2), with
  // the finding's words: the file, the column, what to do.
  // The target's problems first: they are the cause when several fire.
  for (const char* id : {"data.target_missing", "data.single_class", "data.too_few_rows", "data.empty"}) {
    for (const Finding& f : ctx.result.inspection.findings.findings) {
      if (f.severity == Severity::Error && f.id == id) throw InputError(c.data.train, f.message + " " + f.fix);
    }
  }
  std::vector<std::string> kept_ids;
  for (const std::string& name : columns_to_drop(ctx.result.inspection, kept_ids)) {
    if (std::find(ctx.base.data.drop.begin(), ctx.base.data.drop.end(), name) != ctx.base.data.drop.end()) continue;
    ctx.base.data.drop.push_back(name);
    ctx.result.dropped_columns.push_back(name);
  }
  return kept_ids;
}

}  // namespace

void run_inspect_stage(Context& ctx) {
  ctx.begin_stage("inspect", 0.0);
  ctx.progress("inspect", "profiling " + ctx.base.data.train);
  const auto start = Clock::now();
  ctx.images = is_image_directory(ctx.base.data.train);
  ctx.result.image_data = ctx.images;
  std::vector<std::string> kept_ids;
  if (ctx.images) {
    inspect_image_data(ctx);
  } else {
    kept_ids = inspect_table_data(ctx);
  }
  const FindingSet& found = ctx.images ? ctx.result.image_inspection.findings : ctx.result.inspection.findings;
  StageReport& stage = ctx.stage();
  const std::string verdict = verdict_of(found);  // inspect's own: pass | warn | fail
  stage.verdict = verdict == "fail" ? Verdict::Fail : verdict == "warn" ? Verdict::Warn : Verdict::Pass;
  std::size_t errors = 0, warns = 0;
  for (const Finding& f : found.findings) {
    errors += f.severity == Severity::Error;
    warns += f.severity == Severity::Warn;
  }
  stage.summary = fmt::format("{} error(s), {} warning(s) in the data", errors, warns);
  if (!ctx.result.dropped_columns.empty()) {
    stage.summary += fmt::format("; dropped {} (constant or id-like)", fmt::join(ctx.result.dropped_columns, ", "));
  }
  if (!kept_ids.empty()) {
    stage.summary += fmt::format("; kept the id-like {}: without them no feature is left", fmt::join(kept_ids, ", "));
  }
  // Leakage is a warning in the catalogue (a feature can be legitimately
  // that strong), but every validation score after it would be suspect.
  const bool leakage = fired(found, "data.leakage");
  if (errors > 0 || leakage) {
    const std::string why = leakage ? "leakage" : "an error finding";
    ctx.result.stopped = ctx.options.strict;
    if (ctx.options.strict) {
      ctx.result.stop_reason = "after the inspect stage (--strict) on " + why + ": fix the data before training";
    }
    stage.summary += ctx.options.strict
                         ? "; --strict: the run stops here on " + why
                         : "; continuing on " + why + " (--strict would stop): treat every later number with suspicion";
    if (leakage) stage.verdict = Verdict::Fail;
  }
  stage.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ctx.log(std::string("inspect: ") + to_string(stage.verdict) + ": " + stage.summary);
}

}  // namespace nnrecipe::recipe_detail

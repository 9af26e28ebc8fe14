// Stage 1, inspect (../shared/RECIPE.md): the `inspect` command's checks on
// the training file (and the test file), and what the pipeline does about
// them: constant and id-like columns leave the features; an error finding
// (leakage, an empty table) stops the run under --strict, else it is carried
// into the report as a warning the user cannot miss.
#include <fmt/format.h>

#include <algorithm>

#include "nnrecipe/csv.h"
#include "nnrecipe/idx.h"
#include "nnrecipe/inspect.h"
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
/// checks may be silenced, and then nothing is dropped for them).
std::vector<std::string> columns_to_drop(const Inspection& in) {
  std::vector<std::string> drop;
  const bool constant = fired(in.findings, "data.constant"), ids = fired(in.findings, "data.id_like");
  for (const ColumnProfile& p : in.columns) {
    if (p.is_target) continue;
    if ((constant && is_constant_column(p)) || (ids && is_id_like_column(p, in.rows))) drop.push_back(p.name);
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

void inspect_table_data(Context& ctx) {
  const Config& c = ctx.base;
  const Table train = read_csv(c.data.train);
  train.require_column(c.data.target, c.data.train, "target column");
  std::optional<Table> test;
  if (!c.data.test.empty()) test = read_csv_like(c.data.test, train, c.data.train);
  InspectOptions io;
  io.target = c.data.target;
  if (c.data.task != "auto") io.task = parse_task(c.data.task);  // validated with the config
  io.seed = static_cast<uint64_t>(c.train.seed.value_or(0));
  io.ignore = c.checks.ignore;
  ctx.result.inspection = inspect_table(train, io, test ? &*test : nullptr);
  ctx.result.inspection.source = c.data.train;
  ctx.result.inspection.test_source = c.data.test;
  add_findings(ctx.result.findings, ctx.result.inspection.findings);

  for (const std::string& name : columns_to_drop(ctx.result.inspection)) {
    if (std::find(ctx.base.data.drop.begin(), ctx.base.data.drop.end(), name) != ctx.base.data.drop.end()) continue;
    ctx.base.data.drop.push_back(name);
    ctx.result.dropped_columns.push_back(name);
  }
}

}  // namespace

void run_inspect_stage(Context& ctx) {
  ctx.begin_stage("inspect", 0.0);
  ctx.progress("inspect", "profiling " + ctx.base.data.train);
  const auto start = Clock::now();
  ctx.images = is_image_directory(ctx.base.data.train);
  ctx.result.image_data = ctx.images;
  if (ctx.images) {
    inspect_image_data(ctx);
  } else {
    inspect_table_data(ctx);
  }
  const FindingSet& found = ctx.images ? ctx.result.image_inspection.findings : ctx.result.inspection.findings;
  StageReport& stage = ctx.stage();
  stage.verdict = verdict_of(found);
  std::size_t errors = 0, warns = 0;
  for (const Finding& f : found.findings) {
    errors += f.severity == Severity::Error;
    warns += f.severity == Severity::Warn;
  }
  stage.summary = fmt::format("{} error(s), {} warning(s) in the data", errors, warns);
  if (!ctx.result.dropped_columns.empty()) {
    stage.summary += fmt::format("; dropped {} (constant or id-like)", fmt::join(ctx.result.dropped_columns, ", "));
  }
  // Leakage is a warning in the catalogue (a feature can be legitimately
  // that strong), but every validation score after it would be suspect.
  const bool leakage = fired(found, "data.leakage");
  if (errors > 0 || leakage) {
    const std::string why = leakage ? "leakage" : "an error finding";
    ctx.result.stopped = ctx.options.strict;
    stage.summary += ctx.options.strict
                         ? "; --strict: the run stops here on " + why
                         : "; continuing on " + why + " (--strict would stop): treat every later number with suspicion";
    if (leakage) stage.verdict = "fail";
  }
  stage.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ctx.log("inspect: " + stage.verdict + ": " + stage.summary);
}

}  // namespace nnrecipe::recipe_detail

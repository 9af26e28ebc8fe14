// `nnrecipe inspect DATA`: stage 1 of the recipe. Profiles and checks the
// data (src/inspect/), prints the summary, writes --json / --html; with
// --show / --where / --sort it prints rows instead.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/common_options.h"
#include "nnrecipe/data_source.h"
#include "nnrecipe/dataset.h"
#include "nnrecipe/error.h"
#include "nnrecipe/file_io.h"
#include "nnrecipe/html_report.h"
#include "nnrecipe/inspect.h"
#include "nnrecipe/inspect_text.h"
#include "nnrecipe/prepared_data.h"
#include "nnrecipe/progress.h"
#include "nnrecipe/row_view.h"

namespace nnrecipe::cli {
namespace {

struct InspectArgs {
  std::string input;
  std::string json_path;
  std::string html_path;
  DataOptions options;
  // INPUT and the options, resolved as every command resolves them.
  DataConfig data;
  uint64_t seed = 0;
  CsvOptions csv;
  // Looking at rows.
  std::string show;
  std::vector<std::string> where;
  std::string sort;
  std::size_t limit = 10;
  std::vector<std::string> columns;
};

bool wants_rows(const InspectArgs& args) { return !args.show.empty() || !args.where.empty() || !args.sort.empty(); }

// The report files are written before anything is printed about them, each
// atomically (a failure leaves no half-written file).
void write_reports(const InspectArgs& args, const nlohmann::json& report) {
  if (!args.json_path.empty()) write_json_atomic(args.json_path, report);
  if (!args.html_path.empty()) write_file_atomic(args.html_path, render_inspect_html(report));
}

int finish(const InspectArgs& args, const nlohmann::json& report) {
  write_reports(args, report);
  std::cout << render_inspect_summary(report);
  if (!args.json_path.empty()) fmt::print("wrote {}\n", args.json_path);
  if (!args.html_path.empty()) fmt::print("wrote {}\n", args.html_path);
  return report.at("verdict") == "fail" ? kExitFindings : kExitOk;
}

int show_rows(const InspectArgs& args, const Table& table) {
  RowQuery query;
  if (!args.show.empty()) query.show = args.show;
  query.where = args.where;
  query.sort = args.sort;
  query.limit = args.limit;
  query.seed = args.seed;
  const RowSelection selection = select_rows(table, query);
  std::cout << render_rows(table, selection, args.columns);
  fmt::print("{} of {} rows match; showing {}\n", selection.matched, table.rows(), selection.rows.size());
  return kExitOk;
}

int inspect_csv(const InspectArgs& args, const Table& table, const InspectOptions& options) {
  if (wants_rows(args)) return show_rows(args, table);
  // A misspelt --target is bad usage (exit 2, naming the file and listing the
  // columns), as in every command; library callers get data.target_missing.
  if (!args.data.target.empty()) table.require_column(args.data.target, args.data.train, "target column");
  std::optional<Table> test;
  if (!args.data.test.empty()) {
    ProgressLine progress("reading " + args.data.test);
    test = read_csv_like(args.data.test, table, args.data.train, args.csv);
  }
  Inspection in = [&] {
    ProgressLine progress("inspecting " + args.data.train);
    progress.show("profiling and checking " + std::to_string(table.cols()) + " columns");
    return inspect_table(table, options, test ? &*test : nullptr);
  }();
  in.source = args.data.train;
  in.test_source = args.data.test;
  return finish(args, to_json(in));
}

int inspect_image_dir(const InspectArgs& args, const ImageDataset& data, const InspectOptions& options) {
  if (!args.data.target.empty()) {
    throw InputError("--target applies to CSV data; an image directory's labels are its target");
  }
  if (!args.data.test.empty())
    throw InputError("--test applies to CSV data; an image directory has its own test split");
  if (wants_rows(args)) throw InputError("--show/--where/--sort apply to CSV data");
  return finish(args, inspect_images(data, options).report);
}

}  // namespace

CommandRunner add_inspect_command(CLI::App& app) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* cmd = app.add_subcommand("inspect", "Profile and check the data before any training: a verdict");
  cmd->add_option("INPUT", args->input,
                  "A CSV file or an image dataset directory (IDX files, e.g. /usr/share/datasets/fashion-mnist), or "
                  "a YAML config (its data)")
      ->required();
  add_data_options(cmd, args->options);
  cmd->add_option("--json", args->json_path, "Write everything (profiles, findings, scores) as JSON to this file");
  cmd->add_option("--html", args->html_path, "Write a self-contained HTML report (no network) to this file");
  cmd->add_option("--show", args->show, "Print rows instead: head | random | extremes:COL | rows:N,M,... (1-based)");
  cmd->add_option("--where", args->where,
                  "Row filter 'COL OP VALUE' (OP: > >= < <= == != contains; or 'COL is missing'); repeatable, "
                  "all must hold");
  cmd->add_option("--sort", args->sort, "Sort shown rows by COL (ascending) or -COL (descending)");
  cmd->add_option("--limit", args->limit, "Rows to show")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--columns", args->columns, "Columns to show (default: all)")->delimiter(',');
  cmd->footer(
      "\nStage 1 of the recipe: become one with the data. Profiles every column (type, missing, distinct, top "
      "values, quantiles, histogram, extremes), runs every data.* check (duplicates, conflicting labels, "
      "imbalance, missing, constant and id-like columns, mixed types, scale, skew, outliers, leakage, "
      "correlation; with --test also train/test overlap, drift and new categories), ranks features by "
      "predictive power, and prints a verdict. --target enables the target, leakage and label checks; --seed "
      "seeds the sampled parts (correlation rows, --show random, contact sheet).\n\n"
      "Exit code: 0 when no check found an error, 1 when one did (e.g. a target with one class), 2 for bad\n"
      "input or usage. Findings carry their evidence (counts, shares, columns, example rows); look at the rows\n"
      "they name with --show rows:N,M.\n\n"
      "CSV: RFC 4180 quoting, UTF-8 (BOM optional), CRLF; missing tokens: empty, NA, NaN, null, ?.\n"
      "A column is numeric unless a non-numeric token appears, boolean when all tokens are\n"
      "true/false, categorical otherwise. Errors name FILE:LINE:COLUMN and exit with code 2.\n\n"
      "Examples:\n"
      "  nnrecipe inspect credit_data.csv --target Status --html report.html\n"
      "  nnrecipe inspect train.csv --target Status --test test.csv --json inspect.json\n"
      "  nnrecipe inspect credit_data.csv --where 'Income > 300' --sort -Income --limit 5\n"
      "  nnrecipe inspect credit_data.csv --show extremes:Price\n"
      "  nnrecipe inspect /usr/share/datasets/fashion-mnist --html images.html");
  return [args] {
    Config config = load_input(args->input);
    apply_data_options(config, args->options);
    apply_threads(config);
    args->data = config.data;
    if (args->data.train.empty()) throw InputError("inspect: the config names no data (data.train)");
    args->seed = static_cast<uint64_t>(config.train.seed.value_or(0));
    args->csv = csv_options(config.data);
    InspectOptions options;
    options.target = config.data.target;
    options.ignore = config.checks.ignore;
    options.seed = args->seed;
    if (config.data.task != "auto") {  // a valid task: the config parser checked it
      if (config.data.target.empty()) throw InputError("--task needs --target");
      options.task = parse_task(config.data.task);
    }
    DataSource source = [&] {
      CsvOptions csv = args->csv;
      ProgressLine progress("reading " + args->data.train);  // cleared before the output below
      csv.progress = [&progress](const char* phase, uint64_t done, uint64_t total) {
        progress.update(phase, done, total);
      };
      return load_data(args->data.train, csv);
    }();
    if (const auto* table = std::get_if<Table>(&source)) return inspect_csv(*args, *table, options);
    return inspect_image_dir(*args, std::get<ImageDataset>(source), options);
  };
}

}  // namespace nnrecipe::cli

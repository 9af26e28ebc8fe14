// `nnrecipe inspect DATA`: the data as read, before any training.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "nnrecipe/data_source.h"
#include "nnrecipe/error.h"
#include "nnrecipe/file_io.h"
#include "nnrecipe/progress.h"
#include "nnrecipe/schema.h"
#include "nnrecipe/text_table.h"

namespace nnrecipe::cli {
namespace {

struct InspectArgs {
  std::string data;
  std::string target;
  std::string json_path;
  std::vector<std::string> types;
  std::string delimiter;
};

CsvOptions csv_options(const InspectArgs& args) {
  CsvOptions options;
  for (const std::string& spec : args.types) {
    const auto eq = spec.rfind('=');
    const auto type = eq == std::string::npos ? std::nullopt : parse_column_type(spec.substr(eq + 1));
    if (!type) {
      throw InputError(fmt::format("--type '{}': expected COLUMN=numeric|categorical|boolean", spec));
    }
    options.type_overrides[spec.substr(0, eq)] = *type;
  }
  if (args.delimiter == "tab" || args.delimiter == "\\t") {
    options.delimiter = '\t';
  } else if (args.delimiter.size() == 1) {
    options.delimiter = args.delimiter[0];
  } else if (!args.delimiter.empty()) {
    throw InputError(fmt::format("--delimiter '{}': expected one character or 'tab'", args.delimiter));
  }
  return options;
}

int print_table_schema(const InspectArgs& args, const Table& table) {
  if (!args.target.empty()) table.require_column(args.target, args.data, "target column");
  const TableSchema schema = describe_schema(table);
  fmt::print("{}: {} rows x {} columns\n\n", args.data, schema.rows, schema.columns.size());
  using A = TextTable::Align;
  TextTable out({"column", "type", "missing", "distinct", ""}, {A::Left, A::Left, A::Right, A::Right, A::Left});
  for (const ColumnSchema& c : schema.columns) {
    out.add_row({c.name, to_string(c.type), std::to_string(c.missing), std::to_string(c.distinct),
                  c.name == args.target ? "<- target" : ""});
  }
  std::cout << out.render();
  if (!args.json_path.empty()) {
    nlohmann::json j = to_json(schema);
    j["source"] = args.data;
    if (!args.target.empty()) j["target"] = args.target;
    write_json_atomic(args.json_path, j);
  }
  return kExitOk;
}

int print_image_summary(const InspectArgs& args, const ImageDataset& data) {
  if (!args.target.empty()) {
    throw InputError("--target applies to CSV data; an image directory's labels are its target");
  }
  fmt::print("{}: image dataset, {} classes\n\n", args.data, data.classes);
  using A = TextTable::Align;
  TextTable out({"split", "images", "height", "width"}, {A::Left, A::Right, A::Right, A::Right});
  for (const auto& [name, set] : {std::pair<const char*, const ImageSet*>{"train", &data.train}, {"test", &data.test}}) {
    out.add_row({name, std::to_string(set->count), std::to_string(set->rows), std::to_string(set->cols)});
  }
  std::cout << out.render();
  if (!args.json_path.empty()) write_json_atomic(args.json_path, image_summary_json(data));
  return kExitOk;
}

}  // namespace

CommandRunner add_inspect_command(CLI::App& app) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* cmd = app.add_subcommand(
      "inspect",
      "Read a dataset and show its schema: rows, and per column the inferred type, missing and "
      "distinct counts. DATA is a CSV file or an image dataset directory (IDX files, e.g. "
      "/usr/share/datasets/fashion-mnist).");
  cmd->add_option("DATA", args->data, "CSV file or image dataset directory")->required();
  cmd->add_option("--target", args->target, "Target column (must exist)");
  cmd->add_option("--json", args->json_path, "Also write the schema as JSON to this file");
  cmd->add_option("--type", args->types, "Force a column's type: COLUMN=numeric|categorical|boolean (repeatable)");
  cmd->add_option("--delimiter", args->delimiter, "Field delimiter (default: detected among , ; tab)");
  cmd->footer(
      "\nCSV: RFC 4180 quoting, UTF-8 (BOM optional), CRLF; missing tokens: empty, NA, NaN, null, ?.\n"
      "A column is numeric unless a non-numeric token appears, boolean when all tokens are\n"
      "true/false, categorical otherwise. Errors name FILE:LINE:COLUMN and exit with code 2.\n\n"
      "Example:\n  nnrecipe inspect credit_data.csv --target Status --json schema.json");
  return [args] {
    DataSource source = [&] {
      CsvOptions csv = csv_options(*args);
      ProgressLine progress("reading " + args->data);  // cleared before the output below
      csv.progress = [&progress](const char* phase, uint64_t done, uint64_t total) {
        progress.update(phase, done, total);
      };
      return load_data(args->data, csv);
    }();
    if (const auto* table = std::get_if<Table>(&source)) return print_table_schema(*args, *table);
    return print_image_summary(*args, std::get<ImageDataset>(source));
  };
}

}  // namespace nnrecipe::cli

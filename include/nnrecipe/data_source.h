#pragma once
/// @file
/// @brief A data source is a CSV file or an image dataset directory (IDX files).
///
/// @code
/// const nnrecipe::DataSource source = nnrecipe::load_data(path);
/// if (const auto* table = std::get_if<nnrecipe::Table>(&source)) {
///   std::cout << table->rows() << " rows\n";
/// } else {
///   std::cout << std::get<nnrecipe::ImageDataset>(source).train.count << " training images\n";
/// }
/// @endcode
#include <string>
#include <variant>

#include "nnrecipe/csv.h"
#include "nnrecipe/idx.h"
#include "nnrecipe/table.h"

namespace nnrecipe {

using DataSource = std::variant<Table, ImageDataset>;

/// Loads `path`: an image directory when it holds IDX files, else a CSV
/// file. Throws InputError (nonexistent path, a directory without IDX
/// files, malformed content...).
DataSource load_data(const std::string& path, const CsvOptions& csv = {});

}  // namespace nnrecipe

#include "nnrecipe/data_source.h"

#include <sys/stat.h>

#include "file_input.h"
#include "nnrecipe/error.h"

namespace nnrecipe {

DataSource load_data(const std::string& path, const CsvOptions& csv) {
  detail::check_path_exists(path);
  struct stat st {};
  ::stat(path.c_str(), &st);
  if (S_ISDIR(st.st_mode)) {
    if (!is_image_directory(path)) {
      throw InputError(path,
                       "is a directory without IDX image files (train-images-idx3-ubyte[.gz], "
                       "train-labels-idx1-ubyte[.gz], t10k-...); give a CSV file or an image "
                       "dataset directory");
    }
    return load_image_directory(path);
  }
  return read_csv(path, csv);
}

}  // namespace nnrecipe

# Every third-party dependency is a Debian package (scripts/install-deps.sh).
# LibTorch also builds from upstream 2.x: pass -DCMAKE_PREFIX_PATH=/path/to/libtorch.
find_package(Torch REQUIRED)
# Debian's XGBoostConfig.cmake references the xgboost CLI binary, which the
# -dev package does not ship, so find the C API library directly.
find_path(XGBOOST_INCLUDE_DIR xgboost/c_api.h REQUIRED)
find_library(XGBOOST_LIBRARY NAMES xgboost REQUIRED)
add_library(nnrecipe_xgboost INTERFACE)
target_include_directories(nnrecipe_xgboost INTERFACE ${XGBOOST_INCLUDE_DIR})
target_link_libraries(nnrecipe_xgboost INTERFACE ${XGBOOST_LIBRARY})
find_package(yaml-cpp REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(fmt REQUIRED)
find_package(ZLIB REQUIRED)
find_package(Threads REQUIRED)

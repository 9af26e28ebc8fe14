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
# oneDNN (libdnnl-dev): already a dependency of Debian's LibTorch; its sgemm
# does our CPU linear layers (src/internal/nnrecipe/fast_linear.h). Optional, so an
# upstream LibTorch without it still builds.
find_path(DNNL_INCLUDE_DIR oneapi/dnnl/dnnl.h)
find_library(DNNL_LIBRARY NAMES dnnl)
add_library(nnrecipe_dnnl INTERFACE)
if(DNNL_INCLUDE_DIR AND DNNL_LIBRARY)
  target_include_directories(nnrecipe_dnnl INTERFACE ${DNNL_INCLUDE_DIR})
  target_link_libraries(nnrecipe_dnnl INTERFACE ${DNNL_LIBRARY})
  target_compile_definitions(nnrecipe_dnnl INTERFACE NNRECIPE_HAVE_DNNL)
else()
  message(STATUS "oneDNN not found: linear layers use torch::linear (slower on CPU)")
endif()
find_package(yaml-cpp REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(fmt REQUIRED)
find_package(ZLIB REQUIRED)
# Header-only: Boost.Random's Sobol' engine (Joe & Kuo's direction numbers).
find_package(Boost 1.71 REQUIRED)
find_package(Threads REQUIRED)

# LibTorch runs its own ops on OpenMP threads. Debian's default OpenBLAS
# (openblas-pthread, also what the libopenblas.so.0 alternative points to
# even when libblas.so.3 is switched) keeps a second pool of spinning threads:
# on 2 cores the two pools fight and a 256-wide MLP at batch 1024 trained
# 3-4x slower (bench/train_throughput). Our binaries therefore load the OpenMP
# build of OpenBLAS, whatever the system alternatives say: DT_RPATH (not
# RUNPATH) so that it also applies to libtorch's own libblas.so.3 dependency.
set(NNRECIPE_OPENBLAS_DIR "/usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/openblas-openmp"
    CACHE PATH "Directory of the OpenMP OpenBLAS build our binaries load (empty: system default)")
if(NNRECIPE_OPENBLAS_DIR AND EXISTS "${NNRECIPE_OPENBLAS_DIR}/libblas.so.3")
  add_link_options("LINKER:--disable-new-dtags" "LINKER:-rpath,${NNRECIPE_OPENBLAS_DIR}")
else()
  message(STATUS "OpenMP OpenBLAS not found in '${NNRECIPE_OPENBLAS_DIR}': using the system BLAS")
endif()

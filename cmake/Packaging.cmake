# `cpack` (or `make package`) builds two Debian packages from the install
# rules (cmake/Install.cmake):
#   nnrecipe       the command-line tool; its Depends are computed by
#                  dpkg-shlibdeps from the libraries the binary loads
#   nnrecipe-dev   the static library, headers and CMake package; it
#                  depends on the -dev packages its usage requirements name
# `apt install ./nnrecipe_*.deb` then resolves everything from the archive.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME nnrecipe)
set(CPACK_PACKAGE_VENDOR "nnrecipe")
set(CPACK_PACKAGE_CONTACT "nnrecipe maintainers <nnrecipe@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "automates the recipe for training neural networks and checks training")
set(CPACK_PACKAGE_INSTALL_DIRECTORY /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL cli dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)

set(CPACK_DEBIAN_CLI_PACKAGE_NAME nnrecipe)
set(CPACK_DEBIAN_CLI_PACKAGE_SHLIBDEPS ON)
# Loaded through the binary's RPATH (cmake/Dependencies.cmake), which
# dpkg-shlibdeps does not follow to a package.
set(CPACK_DEBIAN_CLI_PACKAGE_DEPENDS "libopenblas0-openmp")
set(CPACK_COMPONENT_CLI_DESCRIPTION
    "command-line tool: inspect, baseline, train, check, tune, prune and run the whole recipe")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME nnrecipe-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "libtorch-dev, libxgboost-dev, libdnnl-dev, libyaml-cpp-dev, nlohmann-json3-dev, libfmt-dev, zlib1g-dev, libopenblas0-openmp")
set(CPACK_COMPONENT_DEV_DESCRIPTION
    "C++ library (nnrecipe::nnrecipe): the Doctor for your own LibTorch loops, the trainer and the recipe")
include(CPack)

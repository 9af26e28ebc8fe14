# `cmake --install` puts the CLI in bin/ (component `cli`) and the library,
# its public headers and an exported CMake package in lib/, include/ and
# lib/cmake/nnrecipe (component `dev`), so that another project can write
#   find_package(nnrecipe REQUIRED)
#   target_link_libraries(app PRIVATE nnrecipe::nnrecipe)
# (examples/CMakeLists.txt is such a project).
include(CMakePackageConfigHelpers)

install(TARGETS nnrecipe RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT cli)

# The static library's private dependencies travel as link-only usage
# requirements, so their two in-tree wrappers are exported with it.
set_target_properties(nnrecipe_xgboost PROPERTIES EXPORT_NAME xgboost)
set_target_properties(nnrecipe_dnnl PROPERTIES EXPORT_NAME dnnl)
install(TARGETS nnrecipe_core nnrecipe_xgboost nnrecipe_dnnl EXPORT nnrecipeTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/nnrecipe DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
# Debug information (a RelWithDebInfo build) would multiply the archive's size; symbols stay.
install(CODE "execute_process(COMMAND ${CMAKE_STRIP} --strip-debug
                \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/libnnrecipe.a\")"
        COMPONENT dev)

set(NNRECIPE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/nnrecipe)
install(EXPORT nnrecipeTargets NAMESPACE nnrecipe:: DESTINATION ${NNRECIPE_CMAKE_DIR} COMPONENT dev)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/nnrecipeConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/nnrecipeConfig.cmake INSTALL_DESTINATION ${NNRECIPE_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/nnrecipeConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/nnrecipeConfig.cmake ${PROJECT_BINARY_DIR}/nnrecipeConfigVersion.cmake
        DESTINATION ${NNRECIPE_CMAKE_DIR} COMPONENT dev)

# A consumer's program loads the OpenMP OpenBLAS too, as ours do
# (cmake/Dependencies.cmake says why).
if(NNRECIPE_OPENBLAS_DIR AND EXISTS "${NNRECIPE_OPENBLAS_DIR}/libblas.so.3")
  target_link_options(nnrecipe_core INTERFACE "$<INSTALL_INTERFACE:LINKER:--disable-new-dtags>"
                      "$<INSTALL_INTERFACE:LINKER:-rpath,${NNRECIPE_OPENBLAS_DIR}>")
endif()

# Installation and packaging (docs/install.md): `cmake --install <build> [--prefix P]` and
# `cpack -G DEB` from the build directory. Included last from the top-level CMakeLists.txt, so
# every target exists here.

# Where the Python package goes, relative to the prefix: Debian's dist-packages by default.
set(SOFTCARD_INSTALL_PYTHONDIR "lib/python3/dist-packages" CACHE STRING
    "Install directory of the softcard Python package, relative to CMAKE_INSTALL_PREFIX")

# Installed programs find the minidriver library relative to themselves, so a prefix other than
# /usr (a test's temporary prefix, /opt/softcard) works without LD_LIBRARY_PATH.
file(RELATIVE_PATH _bin_to_lib "/p/${CMAKE_INSTALL_BINDIR}" "/p/${CMAKE_INSTALL_LIBDIR}")
file(RELATIVE_PATH _py_to_lib "/p/${SOFTCARD_INSTALL_PYTHONDIR}/softcard"
     "/p/${CMAKE_INSTALL_LIBDIR}")

# The CLI.
set_target_properties(softcard PROPERTIES INSTALL_RPATH "$ORIGIN/${_bin_to_lib}" EXPORT_NAME cli)
install(TARGETS softcard EXPORT softcard_targets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)

# The minidriver v7 library: shared library, its C headers, a pkg-config file.
set_target_properties(softcard_minidriver PROPERTIES EXPORT_NAME minidriver
  VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR})
install(TARGETS softcard_minidriver EXPORT softcard_targets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime)
install(FILES minidriver/include/cardmod.h minidriver/include/softcard_minidriver.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/softcard COMPONENT runtime)
file(RELATIVE_PATH _pc_to_prefix "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
configure_file(cmake/softcard-minidriver.pc.in softcard-minidriver.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/softcard-minidriver.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT runtime)

# A CMake package for consumer projects: `find_package(softcard)` gives the imported targets
# softcard::minidriver (the shared library with its include directory) and softcard::cli (the
# `softcard` program, e.g. for add_test). card-os is not installed as a library (docs/install.md).
set(SOFTCARD_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/softcard")
install(EXPORT softcard_targets NAMESPACE softcard:: FILE softcard-targets.cmake
  DESTINATION ${SOFTCARD_INSTALL_CMAKEDIR} COMPONENT runtime)
include(CMakePackageConfigHelpers)
configure_package_config_file(cmake/softcard-config.cmake.in
  ${PROJECT_BINARY_DIR}/softcard-config.cmake INSTALL_DESTINATION ${SOFTCARD_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/softcard-config-version.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/softcard-config.cmake
  ${PROJECT_BINARY_DIR}/softcard-config-version.cmake
  DESTINATION ${SOFTCARD_INSTALL_CMAKEDIR} COMPONENT runtime)

# The Python package: the pure-Python half and the native _core next to it.
set_target_properties(softcard_core PROPERTIES INSTALL_RPATH "$ORIGIN/${_py_to_lib}")
install(TARGETS softcard_core LIBRARY DESTINATION ${SOFTCARD_INSTALL_PYTHONDIR}/softcard
  COMPONENT runtime)
install(DIRECTORY python/softcard/ DESTINATION ${SOFTCARD_INSTALL_PYTHONDIR}/softcard
  COMPONENT runtime
  FILES_MATCHING PATTERN "*.py" PATTERN "*.pyi" PATTERN "py.typed"
  PATTERN "__pycache__" EXCLUDE)

# Built-in profiles (also embedded in the binary; installed as examples to copy and edit) and docs.
install(DIRECTORY profiles/ DESTINATION ${CMAKE_INSTALL_DATADIR}/softcard/profiles
  COMPONENT runtime FILES_MATCHING PATTERN "*.json")
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT runtime
  FILES_MATCHING PATTERN "*.md")
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT runtime)

# The package pins the Python minor version its _core module was built for.
find_package(Python3 COMPONENTS Interpreter)
math(EXPR _py_next_minor "${Python3_VERSION_MINOR} + 1")

# A Debian package of the above: `cpack -G DEB` in the build directory.
set(CPACK_PACKAGE_NAME softcard)
set(CPACK_PACKAGE_VENDOR "softcard")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Virtual smart cards and readers (GIDS, PIV) for PC/SC, with a minidriver v7 library")
set(CPACK_PACKAGE_CONTACT "softcard developers <softcard@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Debug information stays in the build tree (RelWithDebInfo): a package ships stripped files.
set(CPACK_STRIP_FILES TRUE)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE amd64)
# Library dependencies are computed by dpkg-shlibdeps from what the binaries really link; the
# PC/SC daemon and vpcd (which `softcard run`/`rig` serve cards through) and the interpreter the
# Python module was built for are named by hand.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${PROJECT_BINARY_DIR}/minidriver")
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "pcscd, vsmartcard-vpcd, python3 (>= ${Python3_VERSION_MAJOR}.${Python3_VERSION_MINOR}), python3 (<< ${Python3_VERSION_MAJOR}.${_py_next_minor})")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "opensc, python3-pytest, python3-pyscard")
include(CPack)

# What `cmake --install` and `cpack -G DEB` ship (issue 14), included by the top-level CMakeLists:
# the binary, rtmtap(1) and the bash and zsh completions, all three written at build time by the
# built binary from its own CLI definitions (so they cannot disagree with --help), and the docs.
# Only rtmtap is installed: tests, bench and fuzz targets have no install rules.
include(GNUInstallDirs)
find_program(GZIP_EXECUTABLE gzip REQUIRED)

set(RTMTAP_SHARE_DIR ${CMAKE_BINARY_DIR}/share)
set(RTMTAP_MAN_PAGE ${RTMTAP_SHARE_DIR}/man/man1/rtmtap.1)
set(RTMTAP_BASH_COMPLETION ${RTMTAP_SHARE_DIR}/bash-completion/completions/rtmtap)
set(RTMTAP_ZSH_COMPLETION ${RTMTAP_SHARE_DIR}/zsh/vendor-completions/_rtmtap)
# Rewritten whenever the binary is relinked (a new option, footer or commit). The .gz is what is
# installed (Debian policy: man pages gzip -9n); the plain page stays for `man -l`.
add_custom_command(
  OUTPUT ${RTMTAP_MAN_PAGE} ${RTMTAP_MAN_PAGE}.gz ${RTMTAP_BASH_COMPLETION} ${RTMTAP_ZSH_COMPLETION}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${RTMTAP_SHARE_DIR}/man/man1
          ${RTMTAP_SHARE_DIR}/bash-completion/completions ${RTMTAP_SHARE_DIR}/zsh/vendor-completions
  COMMAND rtmtap help-man -o ${RTMTAP_MAN_PAGE}
  COMMAND ${GZIP_EXECUTABLE} -9nkf ${RTMTAP_MAN_PAGE}
  COMMAND rtmtap completions bash -o ${RTMTAP_BASH_COMPLETION}
  COMMAND rtmtap completions zsh -o ${RTMTAP_ZSH_COMPLETION}
  DEPENDS rtmtap
  COMMENT "Writing rtmtap(1) and the bash and zsh completions from rtmtap's own help"
  VERBATIM)
add_custom_target(rtmtap_docs ALL
  DEPENDS ${RTMTAP_MAN_PAGE}.gz ${RTMTAP_BASH_COMPLETION} ${RTMTAP_ZSH_COMPLETION})

# cpack (and make install) install what is built, without building "all" first: PackageTest packs
# the build folder while other tests run from it, and must not relink their binaries under them.
# Build, then package (scripts/package.sh does both).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
install(TARGETS rtmtap RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${RTMTAP_MAN_PAGE}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${RTMTAP_BASH_COMPLETION} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${RTMTAP_ZSH_COMPLETION} DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES README.md docs/schema.md cmake/debian/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The Debian package. Depends is worked out by dpkg-shlibdeps (dpkg-dev) from the libraries the
# binary links: libpoco*, libsqlite3-0, libssl3, libstdc++6, libc6... as Debian names them.
set(RTMTAP_MAINTAINER "rtmtap maintainers <maintainers@rtmtap.invalid>"
    CACHE STRING "Maintainer field of the Debian package")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME rtmtap)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${RTMTAP_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "record-and-replay proxy and debugger for AirSend RTM WebSocket traffic")
# One string (several would make a CMake list, joined with ';'); lines under 80 columns.
string(CONCAT CPACK_PACKAGE_DESCRIPTION
    "rtmtap sits between an AirSend RTM client and the real endpoint, relays\n"
    "every frame untouched and records each one with its timing to SQLite. It\n"
    "then shows, searches, lints, edits and replays what was recorded, and can\n"
    "inject or hold frames of live sessions.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # rtmtap_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Stripped, as Debian ships binaries (policy 10.1); the build folder keeps the unstripped one.
set(CPACK_STRIP_FILES ON)
include(CPack)

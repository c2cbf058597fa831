# Writes the header behind `rtmtap --version`: the project version, the git commit the binary is
# built from and the build date. Run with `cmake -P` by the rtmtap_build_info target at every build,
# so a new commit shows without a reconfigure; the header is rewritten only when its text changes,
# so a build on the same commit (and day) recompiles nothing.
#   cmake -DSOURCE_DIR=<repo> -DOUTPUT=<header> -DVERSION=<x.y.z> -P BuildInfo.cmake
# The commit is `git rev-parse --short HEAD`, "-dirty" appended when tracked files have changes;
# "unknown" without git or outside a git checkout (a source tarball). The date is UTC and honours
# SOURCE_DATE_EPOCH (string(TIMESTAMP) does), for reproducible packages.
foreach(var SOURCE_DIR OUTPUT VERSION)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "BuildInfo.cmake: -D${var}=... is required")
  endif()
endforeach()

set(commit unknown)
find_program(GIT_EXECUTABLE git)
# .git is a folder in a clone and a file in a worktree; a tarball unpacked inside some other
# repository has neither, and must not take that repository's commit.
if(GIT_EXECUTABLE AND EXISTS "${SOURCE_DIR}/.git")
  execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" rev-parse --short HEAD
                  RESULT_VARIABLE rc OUTPUT_VARIABLE head ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(rc EQUAL 0 AND NOT head STREQUAL "")
    set(commit "${head}")
    execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" status --porcelain --untracked-files=no
                    RESULT_VARIABLE rc OUTPUT_VARIABLE changes ERROR_QUIET)
    if(rc EQUAL 0 AND NOT changes STREQUAL "")
      string(APPEND commit "-dirty")
    endif()
  endif()
endif()
string(TIMESTAMP date "%Y-%m-%d" UTC)

set(text "#pragma once
// Written by cmake/BuildInfo.cmake at build time: do not edit.
#define RTMTAP_VERSION \"${VERSION}\"
#define RTMTAP_GIT_COMMIT \"${commit}\"
#define RTMTAP_BUILD_DATE \"${date}\"
")
set(old "")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUTPUT}" "${text}")
endif()

# tern_cc_library(NAME n SRCS ... [DEPS ...] [PRIVATE_DEPS ...])
#   A static library; includes are written from the repository root ("core/base/time.h").
#   Its own sources are compiled with N_INTERNALS defined (tern_store: TERN_STORE_INTERNALS).
#   A header internal to the library (*_internal.h) stops with #error without it, so the
#   library's users get only its public headers; a white-box test or fuzz target that
#   needs the internals says so with target_compile_definitions(... N_INTERNALS).
# tern_cc_test(NAME n SRCS ... [DEPS ...])
#   A GoogleTest binary registered with CTest (tests discovered before they run, so
#   fixtures are found through absolute compile definitions, never the working directory).
#   TERN_TEST_COMPILE_OPTIONS: extra options for test binaries only (the sanitizer build
#   compiles them at -O0). Test binaries share one precompiled gtest/gmock header
#   (TERN_TEST_PCH, default ON): those headers are a fifth of a test file's compile time,
#   and tests are most of the build (docs/hardening.md, CI time).
function(tern_cc_library)
  cmake_parse_arguments(T "" "NAME" "SRCS;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${T_NAME} STATIC ${T_SRCS})
  target_include_directories(${T_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${T_NAME} PUBLIC ${T_DEPS} PRIVATE ${T_PRIVATE_DEPS})
  string(TOUPPER "${T_NAME}_INTERNALS" internals)
  target_compile_definitions(${T_NAME} PRIVATE ${internals})
endfunction()

# Compile settings every test binary shares (and the header donor with them,
# so the precompiled header matches every test that reuses it). Every test
# may use tests/testing/temp_dir.h (tern_temp_dir, defined in tests/).
function(tern_test_settings target)
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${target} PRIVATE tern_temp_dir GTest::gmock GTest::gtest_main)
  target_compile_definitions(${target} PRIVATE
    TERN_FIXTURES_DIR="${TERN_FIXTURES_DIR}")
  target_compile_options(${target} PRIVATE ${TERN_TEST_COMPILE_OPTIONS})
endfunction()

function(tern_cc_test)
  if(NOT TERN_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${T_NAME} ${T_SRCS})
  target_link_libraries(${T_NAME} PRIVATE ${T_DEPS})
  tern_test_settings(${T_NAME})
  if(TERN_TEST_PCH)
    if(NOT TARGET tern_test_pch)
      set(donor ${CMAKE_BINARY_DIR}/tern_test_pch.cc)
      file(WRITE ${donor} "// Compiles the precompiled header the tests share.\n")
      add_library(tern_test_pch STATIC ${donor})
      tern_test_settings(tern_test_pch)
      target_precompile_headers(tern_test_pch PRIVATE <gmock/gmock.h> <gtest/gtest.h>)
    endif()
    target_precompile_headers(${T_NAME} REUSE_FROM tern_test_pch)
  endif()
  gtest_discover_tests(${T_NAME} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 60)
endfunction()

# tern_cc_library(NAME n SRCS ... [DEPS ...] [PRIVATE_DEPS ...])
#   A static library; includes are written from the repository root ("core/base/time.h").
# tern_cc_test(NAME n SRCS ... [DEPS ...])
#   A GoogleTest binary registered with CTest (tests discovered before they run, so
#   fixtures are found through absolute compile definitions, never the working directory).
function(tern_cc_library)
  cmake_parse_arguments(T "" "NAME" "SRCS;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${T_NAME} STATIC ${T_SRCS})
  target_include_directories(${T_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${T_NAME} PUBLIC ${T_DEPS} PRIVATE ${T_PRIVATE_DEPS})
endfunction()

function(tern_cc_test)
  if(NOT TERN_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${T_NAME} ${T_SRCS})
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${T_NAME} PRIVATE ${T_DEPS} GTest::gmock GTest::gtest_main)
  target_compile_definitions(${T_NAME} PRIVATE
    TERN_FIXTURES_DIR="${TERN_FIXTURES_DIR}"
    TERN_SHARED_DIR="${TERN_SHARED_DIR}")
  gtest_discover_tests(${T_NAME} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 60)
endfunction()

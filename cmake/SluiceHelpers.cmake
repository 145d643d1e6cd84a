# Target helpers, so every module is declared the same way.
#
#   sluice_library(NAME core SRCS a.cpp b.cpp DEPS fmt::fmt)  -> target sluice_core, alias sluice::core
#   sluice_test(NAME core_unit LABELS unit SRCS x_test.cpp DEPS sluice::core)
#   sluice_benchmark(NAME engine_bench SRCS engine_bench.cpp DEPS sluice::sim)
#
# Includes are rooted at src/ (#include "core/result.h").

function(sluice_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  if(NOT ARG_SRCS)  # a header-only module
    add_library(sluice_${ARG_NAME} INTERFACE)
    add_library(sluice::${ARG_NAME} ALIAS sluice_${ARG_NAME})
    target_include_directories(sluice_${ARG_NAME} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(sluice_${ARG_NAME} INTERFACE ${ARG_DEPS})
    return()
  endif()
  add_library(sluice_${ARG_NAME} STATIC ${ARG_SRCS})
  add_library(sluice::${ARG_NAME} ALIAS sluice_${ARG_NAME})
  target_include_directories(sluice_${ARG_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(sluice_${ARG_NAME} PRIVATE ${SLUICE_WARNING_FLAGS})
  target_link_libraries(sluice_${ARG_NAME} PUBLIC ${ARG_DEPS})
endfunction()

function(sluice_test)
  cmake_parse_arguments(ARG "" "NAME;TIMEOUT" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_compile_options(${ARG_NAME} PRIVATE ${SLUICE_WARNING_FLAGS})
  target_include_directories(${ARG_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_test(NAME ${ARG_NAME} COMMAND ${ARG_NAME})
  set_tests_properties(${ARG_NAME} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT})
endfunction()

function(sluice_benchmark)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_compile_options(${ARG_NAME} PRIVATE ${SLUICE_WARNING_FLAGS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} benchmark::benchmark)
endfunction()

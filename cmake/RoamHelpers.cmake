# Helpers that give every roam target the same warnings, sanitizers and
# include paths. One library per src/<layer>, named roam_<layer>.

set(ROAM_WARNINGS -Wall -Wextra -Wpedantic -Werror -Wshadow -Wnon-virtual-dtor
    -Wcast-align -Wunused -Woverloaded-virtual -Wimplicit-fallthrough)
# g++ 12 at -O3 reports false -Wrestrict errors inside libstdc++ for ordinary
# std::string concatenation (GCC bug 105329), which breaks Release builds.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND ROAM_WARNINGS -Wno-restrict)
endif()

set(ROAM_SANITIZER_FLAGS "")
if(ROAM_SANITIZE)
  set(ROAM_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined
      -fno-omit-frame-pointer)
endif()
set(ROAM_FUZZ_FLAGS "")
if(ROAM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "ROAM_FUZZ needs clang")
  endif()
  # Every object gets coverage instrumentation; only fuzz executables link the
  # libFuzzer main.
  set(ROAM_FUZZ_FLAGS -fsanitize=fuzzer-no-link,address,undefined
      -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
endif()

function(roam_apply_flags target)
  target_compile_options(${target} PRIVATE ${ROAM_WARNINGS} ${ROAM_SANITIZER_FLAGS} ${ROAM_FUZZ_FLAGS})
  target_link_options(${target} PRIVATE ${ROAM_SANITIZER_FLAGS})
  if(ROAM_FUZZ)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()

# roam_library(<layer> SOURCES ... DEPS ...)
function(roam_library layer)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(roam_${layer} STATIC ${ARG_SOURCES})
  target_include_directories(roam_${layer} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(roam_${layer} PUBLIC ${ARG_DEPS})
  roam_apply_flags(roam_${layer})
endfunction()

# roam_test(<name> SOURCES ... DEPS ... [LABELS ...] [TIMEOUT s])
# One gtest binary, registered with ctest as one test.
function(roam_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest GTest::gtest_main
                        Threads::Threads)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  roam_apply_flags(${name})
  add_test(NAME ${name} COMMAND ${name})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES TIMEOUT ${ARG_TIMEOUT}
                       ENVIRONMENT "LANG=C.UTF-8;LC_ALL=C.UTF-8")
  if(ARG_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}")
  endif()
endfunction()

# roam_fuzzer(<name> SOURCE file.cc CORPUS dir DEPS ...)
# With ROAM_FUZZ: a libFuzzer binary plus a short bounded ctest run over its
# seed corpus. Without: the same entry point linked to a replay driver that runs
# every seed (and every checked-in regression input) as a plain test.
function(roam_fuzzer name)
  cmake_parse_arguments(ARG "" "SOURCE;CORPUS" "DEPS" ${ARGN})
  set(exe fuzz_${name})
  add_executable(${exe} ${ARG_SOURCE})
  target_link_libraries(${exe} PRIVATE ${ARG_DEPS})
  target_include_directories(${exe} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/fuzz)
  roam_apply_flags(${exe})
  if(ROAM_FUZZ)
    target_link_options(${exe} PRIVATE -fsanitize=fuzzer)
    if(NOT DEFINED ROAM_FUZZ_SECONDS)
      set(ROAM_FUZZ_SECONDS 20)
    endif()
    add_test(NAME ${exe}
             COMMAND ${CMAKE_COMMAND} -E env LANG=C.UTF-8
                     ${PROJECT_SOURCE_DIR}/fuzz/run_fuzzer.sh $<TARGET_FILE:${exe}>
                     ${ARG_CORPUS} ${ROAM_FUZZ_SECONDS})
    set_tests_properties(${exe} PROPERTIES LABELS fuzz TIMEOUT 600)
  else()
    target_sources(${exe} PRIVATE ${PROJECT_SOURCE_DIR}/fuzz/replay_main.cc)
    add_test(NAME ${exe} COMMAND ${exe} ${ARG_CORPUS})
    set_tests_properties(${exe} PROPERTIES LABELS fuzz-replay TIMEOUT 300)
  endif()
endfunction()

# roam_benchmark(<name> SOURCES ... DEPS ...): measures and prints; never a test.
function(roam_benchmark name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  if(NOT ROAM_BENCH)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark Threads::Threads)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/bench)
  roam_apply_flags(${name})
endfunction()

# Includes every CMakeLists.txt found one level below `dir` (tests/unit/<layer>,
# fuzz/<layer>, ...), so each layer owns its own test list.
function(roam_add_subdirs dir)
  file(GLOB children LIST_DIRECTORIES true ${dir}/*)
  list(SORT children)
  foreach(child IN LISTS children)
    if(IS_DIRECTORY ${child} AND EXISTS ${child}/CMakeLists.txt)
      add_subdirectory(${child})
    endif()
  endforeach()
endfunction()

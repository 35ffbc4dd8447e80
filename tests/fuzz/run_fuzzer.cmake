# ctest driver for one fuzzer (see CMakeLists.txt):
#   cmake -DFUZZER=... -DSEEDS=... -DREGRESSIONS=... -DDICT=... -DWORK_DIR=... -DSECONDS=...
#         -P run_fuzzer.cmake
# libFuzzer writes every new interesting input into its first corpus
# directory, so it runs on a fresh copy in the build tree: the checked-in
# seeds stay as reviewed, and each CI run starts from the same state.
foreach(var FUZZER SEEDS WORK_DIR SECONDS)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_fuzzer.cmake: ${var} not set")
  endif()
endforeach()
if(NOT EXISTS ${FUZZER})
  message(FATAL_ERROR "${FUZZER} not built: cmake --build <build> --target swiftcall_fuzzers")
endif()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR}/corpus ${WORK_DIR}/artifacts)
file(COPY ${SEEDS}/ DESTINATION ${WORK_DIR}/corpus)
# Inputs that once crashed are replayed first, in the same run.
if(DEFINED REGRESSIONS AND IS_DIRECTORY ${REGRESSIONS})
  file(COPY ${REGRESSIONS}/ DESTINATION ${WORK_DIR}/corpus)
endif()

set(args -max_total_time=${SECONDS} -timeout=5 -rss_limit_mb=2048 -print_final_stats=1
         -artifact_prefix=${WORK_DIR}/artifacts/)
if(DEFINED DICT AND NOT DICT STREQUAL "")
  list(APPEND args -dict=${DICT})
endif()
execute_process(COMMAND ${FUZZER} ${args} ${WORK_DIR}/corpus RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(GLOB crashes ${WORK_DIR}/artifacts/*)
  message(FATAL_ERROR "${FUZZER} failed (${rc}); reproducer(s): ${crashes}\n"
                      "Minimise with: ${FUZZER} -minimize_crash=1 -runs=100000 <reproducer>, "
                      "then save it under tests/fuzz/regressions/<target>/.")
endif()

# Optional sanitizer build of the product and its tests (the g++ build; the
# libFuzzer targets in tests/fuzz always carry ASan+UBSan and are unaffected).
#
#   cmake -S . -B build-asan -DSWIFTCALL_SANITIZE=address
#
# In:  SWIFTCALL_SANITIZE (cache) - empty (default: no sanitizer), "address",
#      "undefined" or "address,undefined".
# Out: -fsanitize=... on every target compiled or linked after this include,
#      so it must come before the add_subdirectory() calls.
#
# Caveat: janus_swiftcall.so then needs the ASan runtime, which a stock
# (uninstrumented) janus does not load first; run the gateway with
# LD_PRELOAD=$(g++ -print-file-name=libasan.so) for e2e tests.

set(SWIFTCALL_SANITIZE "" CACHE STRING
    "Sanitizers for the main build: empty, address, undefined or address,undefined")
set_property(CACHE SWIFTCALL_SANITIZE PROPERTY STRINGS "" address undefined "address,undefined")

if(SWIFTCALL_SANITIZE)
  # An unknown value must not silently build an uninstrumented tree that
  # then passes as "sanitized".
  if(NOT SWIFTCALL_SANITIZE MATCHES "^(address|undefined|address,undefined|undefined,address)$")
    message(FATAL_ERROR "SWIFTCALL_SANITIZE=${SWIFTCALL_SANITIZE}: expected address, undefined "
                        "or address,undefined")
  endif()
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "^(GNU|Clang)$")
    message(FATAL_ERROR "SWIFTCALL_SANITIZE needs g++ or clang++, not ${CMAKE_CXX_COMPILER_ID}")
  endif()
  message(STATUS "Sanitizers: ${SWIFTCALL_SANITIZE}")
  # Frame pointers keep the reports' stacks complete at -O2; no recovery so
  # a UBSan finding fails the test that triggered it instead of only
  # printing.
  add_compile_options(-fsanitize=${SWIFTCALL_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${SWIFTCALL_SANITIZE})
  # g++ 12's -fsanitize=address makes -Wmaybe-uninitialized report false
  # positives inside libstdc++ (std::regex via Catch2's main, GCC PR 105562),
  # which -Werror turns into a failed build. The warning stays on in the
  # normal build, where it is reliable.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
endif()

# Locates the source tree of the Janus gateway that is installed on this host.
#
# plugin/janus/ reads the gateway's internal structs (janus_ice_handle,
# janus_dtls_srtp, ...), which janus-dev does not ship: the headers must come
# from Debian's source package `janus` at exactly the installed version, or
# the struct layouts differ and the bridge reads garbage.
#
# In:  JANUS_SOURCE_DIR (cache) - an unpacked janus-gateway-<version> tree;
#      when empty, scripts/fetch-janus-source.sh fetches it into
#      JANUS_SOURCE_CACHE: /var/cache/swiftcall/janus-src when writable (one
#      download shared by every build dir), else ${CMAKE_BINARY_DIR}/janus-src.
# Out: JANUS_SOURCE_DIR, JANUS_SOURCE_VERSION ("1.1.2"),
#      JANUS_SOURCE_VERSION_NUMBER (1102, what the core exports as janus_version).

set(JANUS_SOURCE_DIR "" CACHE PATH "Unpacked Janus source tree matching the installed gateway")
set(_janus_default_cache "${CMAKE_BINARY_DIR}/janus-src")
execute_process(COMMAND sh -c "mkdir -p /var/cache/swiftcall/janus-src && test -w /var/cache/swiftcall/janus-src"
                RESULT_VARIABLE _janus_var_cache_rc OUTPUT_QUIET ERROR_QUIET)
if(_janus_var_cache_rc EQUAL 0)
  set(_janus_default_cache /var/cache/swiftcall/janus-src)
endif()
set(JANUS_SOURCE_CACHE "${_janus_default_cache}" CACHE PATH
    "Where scripts/fetch-janus-source.sh unpacks Janus's source when JANUS_SOURCE_DIR is empty")

execute_process(
  COMMAND dpkg-query -W -f=\${Version} janus
  OUTPUT_VARIABLE _janus_installed_deb_version
  RESULT_VARIABLE _janus_dpkg_rc
  ERROR_QUIET)
if(NOT _janus_dpkg_rc EQUAL 0)
  set(_janus_installed_deb_version "")
endif()

# A tree this module fetched itself and that has since vanished: fetch again.
if(JANUS_SOURCE_DIR AND _JANUS_SOURCE_FETCHED AND NOT EXISTS "${JANUS_SOURCE_DIR}/src/ice.h")
  set(JANUS_SOURCE_DIR "" CACHE PATH "Unpacked Janus source tree matching the installed gateway" FORCE)
endif()

if(NOT JANUS_SOURCE_DIR)
  if(NOT _janus_installed_deb_version)
    message(FATAL_ERROR
      "Janus source: the Debian package 'janus' is not installed, so the matching source "
      "cannot be fetched. Install janus, or pass -DJANUS_SOURCE_DIR=<janus-gateway-x.y.z tree>.")
  endif()
  message(STATUS "Janus source: fetching janus=${_janus_installed_deb_version} into ${JANUS_SOURCE_CACHE}")
  execute_process(
    COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/../scripts/fetch-janus-source.sh
            ${JANUS_SOURCE_CACHE} ${_janus_installed_deb_version}
    OUTPUT_VARIABLE _janus_fetch_out
    ERROR_VARIABLE _janus_fetch_err
    RESULT_VARIABLE _janus_fetch_rc
    OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT _janus_fetch_rc EQUAL 0)
    message(FATAL_ERROR
      "Janus source: scripts/fetch-janus-source.sh could not fetch Debian's source package "
      "janus=${_janus_installed_deb_version}:\n${_janus_fetch_err}\n"
      "Fix apt (a deb-src entry and network to the archive), or pass "
      "-DJANUS_SOURCE_DIR=<unpacked janus-gateway tree of that version>.")
  endif()
  string(REGEX REPLACE ".*\n" "" _janus_fetched_tree "${_janus_fetch_out}")
  set(JANUS_SOURCE_DIR "${_janus_fetched_tree}" CACHE PATH
      "Unpacked Janus source tree matching the installed gateway" FORCE)
  set(_JANUS_SOURCE_FETCHED ON CACHE INTERNAL "JANUS_SOURCE_DIR was fetched by JanusSource.cmake")
endif()

if(NOT EXISTS "${JANUS_SOURCE_DIR}/src/ice.h" OR NOT EXISTS "${JANUS_SOURCE_DIR}/configure.ac")
  message(FATAL_ERROR
    "Janus source: JANUS_SOURCE_DIR='${JANUS_SOURCE_DIR}' is not a Janus source tree "
    "(no src/ice.h or configure.ac).")
endif()

# configure.ac carries both the dotted version and the integer the core
# exports at run time as `janus_version`.
file(STRINGS "${JANUS_SOURCE_DIR}/configure.ac" _janus_ac_number REGEX "^JANUS_VERSION=[0-9]+")
file(STRINGS "${JANUS_SOURCE_DIR}/configure.ac" _janus_ac_string REGEX "^JANUS_VERSION_STRING=")
string(REGEX REPLACE "^JANUS_VERSION=([0-9]+).*" "\\1" JANUS_SOURCE_VERSION_NUMBER "${_janus_ac_number}")
string(REGEX REPLACE "^JANUS_VERSION_STRING=\"?([^\"]*)\"?.*" "\\1" JANUS_SOURCE_VERSION "${_janus_ac_string}")
if(NOT JANUS_SOURCE_VERSION_NUMBER MATCHES "^[0-9]+$" OR NOT JANUS_SOURCE_VERSION)
  message(FATAL_ERROR "Janus source: cannot read JANUS_VERSION from ${JANUS_SOURCE_DIR}/configure.ac")
endif()

# A tree of another version would build but read the wrong struct layouts.
if(_janus_installed_deb_version)
  string(REGEX REPLACE "^[0-9]+:" "" _janus_upstream "${_janus_installed_deb_version}")
  string(REGEX REPLACE "-[^-]*$" "" _janus_upstream "${_janus_upstream}")
  if(NOT _janus_upstream STREQUAL JANUS_SOURCE_VERSION)
    message(FATAL_ERROR
      "Janus source: ${JANUS_SOURCE_DIR} is Janus ${JANUS_SOURCE_VERSION} but the installed "
      "gateway is ${_janus_installed_deb_version}. Point JANUS_SOURCE_DIR at the matching tree "
      "(or clear it to fetch one).")
  endif()
endif()

message(STATUS "Janus source: ${JANUS_SOURCE_DIR} (Janus ${JANUS_SOURCE_VERSION}, janus_version ${JANUS_SOURCE_VERSION_NUMBER})")

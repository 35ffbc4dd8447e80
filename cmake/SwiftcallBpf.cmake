# swiftcall_bpf_skeleton(<target> SOURCE <file.bpf.c> NAME <skeleton name>
#                        [DEPENDS <headers>...] [INCLUDES <dirs>...])
#
# The one recipe for a BPF object and its libbpf skeleton, used by the product
# (bpf/) and by the benches: clang -target bpf compiles SOURCE into
# <binary dir>/<NAME>.bpf.o, bpftool gen skeleton writes
# <binary dir>/gen/<NAME>.skel.h, and the custom target <target> builds both.
# <target>_SKEL_DIR is set in the caller's scope (add it to the include path
# of whatever includes the skeleton, and add_dependencies on <target>).
find_program(SWIFTCALL_BPF_CLANG NAMES clang-14 clang REQUIRED)
find_program(SWIFTCALL_BPFTOOL NAMES bpftool PATHS /usr/sbin /sbin REQUIRED)

function(swiftcall_bpf_skeleton target)
  cmake_parse_arguments(ARG "" "SOURCE;NAME" "DEPENDS;INCLUDES" ${ARGN})
  if(NOT ARG_SOURCE OR NOT ARG_NAME)
    message(FATAL_ERROR "swiftcall_bpf_skeleton(${target}): SOURCE and NAME are required")
  endif()
  get_filename_component(src ${ARG_SOURCE} ABSOLUTE)
  get_filename_component(src_dir ${src} DIRECTORY)
  set(object ${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}.bpf.o)
  set(skel_dir ${CMAKE_CURRENT_BINARY_DIR}/gen)
  set(skel ${skel_dir}/${ARG_NAME}.skel.h)
  set(includes -I/usr/include/x86_64-linux-gnu -I${src_dir})
  foreach(dir ${ARG_INCLUDES})
    list(APPEND includes -I${dir})
  endforeach()
  add_custom_command(
    OUTPUT ${object}
    # -mcpu=v3: atomic fetch ops and 32-bit jumps (kernel 5.12+).
    COMMAND ${SWIFTCALL_BPF_CLANG} -target bpf -mcpu=v3 -O2 -g -Wall -Werror
            ${includes} -c ${src} -o ${object}
    DEPENDS ${src} ${ARG_DEPENDS}
    COMMENT "clang -target bpf ${ARG_NAME}.bpf.c"
    VERBATIM)
  add_custom_command(
    OUTPUT ${skel}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${skel_dir}
    COMMAND sh -c "${SWIFTCALL_BPFTOOL} gen skeleton ${object} name ${ARG_NAME} > ${skel}.tmp && mv ${skel}.tmp ${skel}"
    DEPENDS ${object}
    COMMENT "bpftool gen skeleton ${ARG_NAME}.skel.h"
    VERBATIM)
  add_custom_target(${target} DEPENDS ${skel})
  set(${target}_SKEL_DIR ${skel_dir} PARENT_SCOPE)
endfunction()

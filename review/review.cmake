# Included from the top-level CMakeLists.txt after profilegen_review is defined: embeds review/data files into
# the library through sources generated at build time, so the binary needs no data files at run time.
set(_review_gen ${PROJECT_BINARY_DIR}/review_gen)
add_custom_command(
  OUTPUT ${_review_gen}/moby_default_data.cpp
  COMMAND ${CMAKE_COMMAND} -E make_directory ${_review_gen}
  COMMAND ${CMAKE_COMMAND} -DINPUT=${PROJECT_SOURCE_DIR}/review/data/moby-default.json
          -DOUTPUT=${_review_gen}/moby_default_data.cpp -DSYMBOL=MobyDefaultProfile
          -P ${PROJECT_SOURCE_DIR}/review/embed.cmake
  DEPENDS ${PROJECT_SOURCE_DIR}/review/data/moby-default.json ${PROJECT_SOURCE_DIR}/review/embed.cmake
  COMMENT "Embedding review/data/moby-default.json"
  VERBATIM)
target_sources(profilegen_review PRIVATE ${_review_gen}/moby_default_data.cpp)

# The review tests run the built binary: build it first. Deferred to the end of the top-level directory,
# when tests/ has defined test_review.
function(_profilegen_review_test_deps)
  if(TARGET test_review AND TARGET profilegen)
    add_dependencies(test_review profilegen)
  endif()
endfunction()
cmake_language(DEFER DIRECTORY ${PROJECT_SOURCE_DIR} CALL _profilegen_review_test_deps)

# Embeds the runtime layer data files (generator/data/runtime-*.json) into profilegen_profile at build time, so
# the binary never needs the source tree. Their parser is profile/runtime_layer.cpp: the generator adds the
# layers to profiles and the validator refuses profiles that deny them. Included from the top-level
# CMakeLists.txt after the profile library is defined.
set(_pg_data_dir ${PROJECT_SOURCE_DIR}/generator/data)
file(GLOB _pg_runtime_layers CONFIGURE_DEPENDS ${_pg_data_dir}/runtime-*.json)
list(SORT _pg_runtime_layers)
string(REPLACE ";" "|" _pg_runtime_layers_arg "${_pg_runtime_layers}")
set(_pg_embedded ${PROJECT_BINARY_DIR}/generated/profile/runtime_layers_data.cpp)
add_custom_command(
  OUTPUT ${_pg_embedded}
  COMMAND ${CMAKE_COMMAND} -DOUTPUT=${_pg_embedded} -DINPUTS=${_pg_runtime_layers_arg}
          -P ${_pg_data_dir}/embed_files.cmake
  DEPENDS ${_pg_runtime_layers} ${_pg_data_dir}/embed_files.cmake
  COMMENT "Embedding runtime layer data files"
  VERBATIM)
target_sources(profilegen_profile PRIVATE ${_pg_embedded})
# For targets that compile the generated file themselves (fuzz/): they depend on this, not on the library.
add_custom_target(profilegen_embedded_data DEPENDS ${_pg_embedded})

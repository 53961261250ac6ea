# Run as a script at build time: cmake -DINPUT=... -DOUTPUT=... -DSYMBOL=... -P embed.cmake
# Writes OUTPUT, a C++ source defining `std::string_view profilegen::review::data::SYMBOL()` with the bytes of
# INPUT in a raw string literal.
file(READ "${INPUT}" content)
string(FIND "${content}" ")pgembed\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )pgembed\"")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by review/embed.cmake. Do not edit.\n"
  "#include <string_view>\n"
  "namespace profilegen::review::data {\n"
  "std::string_view ${SYMBOL}() {\n"
  "  static constexpr std::string_view kText = R\"pgembed(${content})pgembed\";\n"
  "  return kText;\n"
  "}\n"
  "}  // namespace profilegen::review::data\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")

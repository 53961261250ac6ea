#pragma once
/// The fast trace reader (simdjson): reads a well-formed trace straight into the model without a DOM of
/// allocated nodes. It gives no messages: for anything it does not take exactly as the checked reader
/// (read_checked.h) would (malformed JSON, a wrong type, a duplicate key or entry, a newer schema) it returns
/// nullopt, and ParseTrace asks the checked reader, which reports the problem or, where JSON allows what this
/// reader declines (a duplicate key), reads it. Whatever it returns, the checked reader returns too (fuzz/
/// trace_parse_fuzz.cpp compares the two).
#include <optional>
#include <string>
#include <string_view>

#include "trace/trace.h"

namespace profilegen::trace {

std::optional<Trace> ParseTraceFast(std::string_view text, const std::string& path);

}  // namespace profilegen::trace

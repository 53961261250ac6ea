#pragma once
/// The "mapped" section of a trace: every file the recorded processes mapped executable (their programs, the
/// dynamic loader, the libraries they needed and the ones they dlopen'd), as absolute paths, sorted. It is what
/// `record --reachable` analyses besides the executables that made syscalls. Optional: a trace without it (every
/// trace before it existed, `learn` traces) is read and written exactly as before; older readers ignore it.
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace profilegen::trace {

class FieldReader;
struct Trace;

/// ["/usr/bin/python3.12", "/usr/lib/python3.12/lib-dynload/_ssl.cpython-312-x86_64-linux-gnu.so", ...]
nlohmann::ordered_json MappedJson(const std::set<std::string>& mapped);
/// The "mapped" section (a TraceSection of read_checked.cpp); errors "PATH: mapped[I]: WHAT".
void ParseMappedSection(const FieldReader& r, const nlohmann::json& j, Trace& t);

}  // namespace profilegen::trace

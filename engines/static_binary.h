#pragma once
/// The self-contained profilegen that goes into a container (built as profilegen-static).
#include <string>

namespace profilegen::engines {

/// Whether the ELF file at `path` needs no dynamic loader (no PT_INTERP program header). Throws Error when it
/// cannot be read or is not an ELF file.
bool IsStaticElf(const std::string& path);

/// The static profilegen to mount into a container: `explicit_path` when given; else this program when it is
/// static itself; else profilegen-static beside it. Throws Error (125) saying how to get one.
std::string FindStaticProfilegen(const std::string& explicit_path);

}  // namespace profilegen::engines

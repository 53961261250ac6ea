#pragma once
/// Go programs keep a table of their functions for the runtime (the pclntab: entry address and name of every
/// function), also when the ELF symbols are stripped, as the Debian builds of runc, docker and podman are. It
/// gives the analysis Go's function boundaries and names, and with them the syscall wrappers Go code calls with
/// the number as an argument (go_syscalls.h).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reach/elf_image.h"

namespace profilegen::reach {

struct GoPclntab {
  /// The table's format: 116 (Go 1.16 and 1.17), 118 (1.18, 1.19), 120 (1.20 and later); 102 for Go 1.2-1.15.
  int format = 0;
  std::vector<FunctionSymbol> functions;  ///< every function's entry and name (not exported)
};

/// Reads a pclntab that starts at `data` (`size` bytes available). nullopt when it is not one (wrong magic,
/// pointer size other than 8, offsets outside the data): never a partly read table.
std::optional<GoPclntab> ReadGoPclntab(const uint8_t* data, uint64_t size);

/// The next offset from `from` (a multiple of 4) where a pclntab header may start inside `data` (a section of a
/// PIE Go program, which has no .gopclntab section); `size` if there is none.
uint64_t FindGoPclntab(const uint8_t* data, uint64_t size, uint64_t from);

}  // namespace profilegen::reach

#pragma once
/// What one binary contributes to reachability, independent of the program it is loaded into: its functions
/// with the syscalls each makes directly, its calls (local and to imports), its roots and exports. This is
/// what the cache stores, keyed by the file's content.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "syscalls/syscalls.h"

namespace profilegen::reach {

/// Bumped whenever the analysis changes what it finds: older cache entries are then ignored.
inline constexpr int kAnalysisVersion = 6;

/// What is known about a register at a call or syscall site.
struct Value {
  enum Kind : uint8_t { kUnknown, kImm, kEntry };  ///< kEntry: the value the register held at function entry
  Kind kind = kUnknown;
  int64_t v = 0;  ///< the constant (kImm) or the entry location (kEntry: a register index, or kStackArg0 + j)
  bool operator==(const Value&) const = default;
};

/// General-purpose register indexes as the decoder numbers them (rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8..).
inline constexpr int kRax = 0;
inline constexpr int kRsi = 6;
inline constexpr int kRdi = 7;
inline constexpr int kRegs = 16;
/// Entry locations beyond the registers: the first kStackArgs 8-byte stack arguments, [rsp+8], [rsp+16], ... at
/// the function's entry (above the return address; Go's ABI0 passes every argument there): kStackArg0 + j.
inline constexpr int kStackArg0 = kRegs;
inline constexpr int kStackArgs = 4;
inline constexpr int kLocations = kRegs + kStackArgs;

/// A call to an imported function, with the registers a syscall wrapper may take the number in.
struct ImportCall {
  uint32_t name = 0;  ///< index into BinarySummary::import_names
  Value rax, rdi, rsi;
};

struct SyscallNumber {
  sys::ArchToken arch = 0;
  int64_t nr = 0;
  auto operator<=>(const SyscallNumber&) const = default;
};

struct Function {
  uint64_t addr = 0;
  std::string name;                        ///< nearest symbol, empty when stripped
  std::vector<SyscallNumber> syscalls;     ///< made here, or through a local wrapper with a constant number
  std::vector<uint64_t> unresolved;        ///< addresses of sites whose number is not known here
  int wrapper_reg = -1;                    ///< >= 0: makes a syscall whose number is this entry location
  std::vector<uint32_t> callees;           ///< local functions called, tail-jumped or fallen into
  std::vector<ImportCall> imports;         ///< imported functions called
};

struct BinarySummary {
  std::string path;
  bool is64 = true;
  std::string interp;
  std::vector<std::string> needed;
  std::vector<std::string> runpath;
  std::vector<Function> functions;
  std::vector<std::string> import_names;
  std::map<std::string, uint32_t> exports;  ///< exported name -> function
  std::vector<uint32_t> roots;              ///< entry, init/fini code and address-taken functions
  std::vector<uint32_t> imported_roots;     ///< imports whose address is taken (import_names indexes)
  /// When the binary imports dlsym: identifier strings of its read-only data, the names it may look up.
  std::vector<std::string> dlsym_names;
  int64_t entry = -1;                       ///< function index of e_entry, -1 for libraries without one
  uint64_t instructions = 0;                ///< decoded, for statistics
};

/// Serialised form for the cache (MessagePack of a JSON value).
std::vector<uint8_t> SerializeSummary(const BinarySummary& s);
/// Throws Error when `bytes` is not a summary of kAnalysisVersion.
BinarySummary DeserializeSummary(const std::vector<uint8_t>& bytes);

}  // namespace profilegen::reach

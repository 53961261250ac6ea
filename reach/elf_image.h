#pragma once
/// One ELF file as the reachability analysis needs it, read with libelf: its code, its symbols, the imports
/// its GOT slots stand for, the code addresses its data holds, and what the dynamic loader needs (DT_NEEDED,
/// RUNPATH, PT_INTERP).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace profilegen::reach {

/// A section of machine code, copied out of the file.
struct CodeSection {
  std::string name;
  uint64_t addr = 0;
  std::vector<uint8_t> bytes;
};

struct FunctionSymbol {
  std::string name;
  uint64_t addr = 0;
  bool exported = false;  ///< defined in .dynsym with global or weak binding
};

struct ElfImage {
  std::string path;
  bool is64 = true;
  bool shared = false;  ///< ET_DYN
  uint64_t entry = 0;
  std::string interp;                   ///< PT_INTERP, empty for static executables and most libraries
  std::vector<std::string> needed;      ///< DT_NEEDED, in order
  std::vector<std::string> runpath;     ///< DT_RUNPATH or DT_RPATH entries ($ORIGIN not yet expanded)
  std::vector<CodeSection> code;        ///< executable sections
  std::vector<FunctionSymbol> functions;  ///< defined STT_FUNC / STT_GNU_IFUNC symbols (symtab and dynsym)
  std::map<uint64_t, std::string> got_imports;  ///< GOT slot address -> undefined symbol it is bound to
  std::vector<uint64_t> init_functions;  ///< DT_INIT, DT_FINI, init/fini/preinit arrays
  std::vector<uint64_t> code_pointers;   ///< addresses inside code held by data or relocations
  uint64_t got_plt = 0;  ///< address of .got.plt (i386 PLT stubs address slots relative to it through ebx)
  std::vector<std::string> import_pointers;  ///< imported functions whose address data holds
  /// Identifier-like strings in read-only data: the names a program may look up with dlsym.
  std::vector<std::string> identifiers;
  /// Go programs: the format of their function table (reach/go_pclntab.h; its functions are in `functions`),
  /// 0 for other files. From 118 (Go 1.18) on, amd64 Go code passes integer arguments in registers, RAX first.
  int go_pclntab_format = 0;

  /// Whether `addr` lies in one of the code sections.
  bool InCode(uint64_t addr) const;

  /// i386 position-independent code calls a thunk `mov reg, [esp]; ret` to learn its address: the register
  /// index it writes, or -1 when `target` is not such a thunk (both decoders ask).
  int PcThunkRegister(uint64_t target) const;
};

/// Reads `path`. Throws Error naming the file when it is not a readable x86 ELF file.
ElfImage ReadElf(const std::string& path);

/// The whole file; throws Error for a directory, a missing or unreadable file.
std::vector<uint8_t> ReadBinaryFile(const std::string& path);

/// The same from bytes already in memory (`path` used in messages).
ElfImage ParseElf(const std::string& path, const std::vector<uint8_t>& bytes);

}  // namespace profilegen::reach

#include "reach/elf_image.h"

#include <elf.h>
#include <gelf.h>
#include <libelf.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>

#include "base/error.h"
#include "reach/go_pclntab.h"

#ifndef SHT_RELR
#define SHT_RELR 19  // packed relative relocations (glibc 2.36+ links libc itself with them)
#endif

namespace profilegen::reach {
namespace {

struct ElfCloser {
  void operator()(Elf* e) const { elf_end(e); }
};
using ElfPtr = std::unique_ptr<Elf, ElfCloser>;

Error BadElf(const std::string& path, const std::string& what) {
  return Error(path + ": " + what + " (profilegen scan reads x86-64 and i386 ELF executables and libraries)");
}

std::string LibelfMessage() {
  const char* m = elf_errmsg(-1);
  return m ? m : "unknown libelf error";
}

/// Reads `size` bytes of the file at offset `off`, or nothing when that range lies outside the file.
const uint8_t* FileRange(const std::vector<uint8_t>& bytes, uint64_t off, uint64_t size) {
  if (off > bytes.size() || size > bytes.size() - off) return nullptr;
  return bytes.data() + off;
}

uint64_t ReadWord(const uint8_t* p, bool is64) {
  if (is64) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

class Reader {
 public:
  Reader(const std::string& path, const std::vector<uint8_t>& bytes, ElfImage& out)
      : path_(path), bytes_(bytes), out_(out) {}

  void Run() {
    elf_version(EV_CURRENT);
    elf_.reset(elf_memory(const_cast<char*>(reinterpret_cast<const char*>(bytes_.data())), bytes_.size()));
    if (!elf_ || elf_kind(elf_.get()) != ELF_K_ELF) throw BadElf(path_, "not an ELF file");
    GElf_Ehdr eh;
    if (!gelf_getehdr(elf_.get(), &eh)) throw BadElf(path_, "unreadable ELF header: " + LibelfMessage());
    out_.is64 = gelf_getclass(elf_.get()) == ELFCLASS64;
    if ((out_.is64 && eh.e_machine != EM_X86_64) || (!out_.is64 && eh.e_machine != EM_386)) {
      throw BadElf(path_, "unsupported machine " + std::to_string(eh.e_machine));
    }
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) throw BadElf(path_, "neither an executable nor a library");
    out_.shared = eh.e_type == ET_DYN;
    out_.entry = eh.e_entry;
    ReadProgramHeaders();
    ReadSections();
    if (out_.code.empty()) throw BadElf(path_, "no executable sections (stripped of section headers or truncated)");
    for (Elf_Scn* scn : symbol_tables_) ReadSymbols(scn);
    for (Elf_Scn* scn : relocation_sections_) ReadRelocations(scn);
    for (Elf_Scn* scn : data_sections_) ScanData(scn);
    for (Elf_Scn* scn : relr_sections_) ReadRelr(scn);
    if (dynamic_) ReadDynamic(dynamic_);
    if (go_program_ || gopclntab_) ReadGoFunctions();
    std::sort(out_.code_pointers.begin(), out_.code_pointers.end());
    out_.code_pointers.erase(std::unique(out_.code_pointers.begin(), out_.code_pointers.end()),
                             out_.code_pointers.end());
  }

 private:
  void ReadProgramHeaders() {
    size_t n = 0;
    if (elf_getphdrnum(elf_.get(), &n) != 0) throw BadElf(path_, "unreadable program headers: " + LibelfMessage());
    for (size_t i = 0; i < n; ++i) {
      GElf_Phdr ph;
      if (!gelf_getphdr(elf_.get(), static_cast<int>(i), &ph)) continue;
      if (ph.p_type == PT_INTERP) {
        const uint8_t* p = FileRange(bytes_, ph.p_offset, ph.p_filesz);
        if (!p) throw BadElf(path_, "truncated (PT_INTERP lies outside the file)");
        out_.interp.assign(reinterpret_cast<const char*>(p), strnlen(reinterpret_cast<const char*>(p), ph.p_filesz));
      }
    }
  }

  void ReadSections() {
    size_t shstrndx = 0;
    if (elf_getshdrstrndx(elf_.get(), &shstrndx) != 0) throw BadElf(path_, "unreadable section names: " + LibelfMessage());
    for (Elf_Scn* scn = elf_nextscn(elf_.get(), nullptr); scn; scn = elf_nextscn(elf_.get(), scn)) {
      GElf_Shdr sh;
      if (!gelf_getshdr(scn, &sh)) throw BadElf(path_, "unreadable section header: " + LibelfMessage());
      const char* name = elf_strptr(elf_.get(), shstrndx, sh.sh_name);
      switch (sh.sh_type) {
        case SHT_SYMTAB:
        case SHT_DYNSYM:
          symbol_tables_.push_back(scn);
          continue;
        case SHT_RELA:
        case SHT_REL:
          relocation_sections_.push_back(scn);
          continue;
        case SHT_DYNAMIC:
          dynamic_ = scn;
          continue;
        case SHT_RELR:
          relr_sections_.push_back(scn);
          continue;
        case SHT_INIT_ARRAY:
        case SHT_FINI_ARRAY:
        case SHT_PREINIT_ARRAY:
          init_arrays_.push_back(scn);
          data_sections_.push_back(scn);
          continue;
        case SHT_PROGBITS:
          break;
        default:
          continue;
      }
      if (!(sh.sh_flags & SHF_ALLOC)) continue;
      if (name && std::strcmp(name, ".got.plt") == 0) out_.got_plt = sh.sh_addr;
      if (name && std::strcmp(name, ".go.buildinfo") == 0) go_program_ = true;
      if (name && std::strcmp(name, ".gopclntab") == 0) gopclntab_ = scn;
      const uint8_t* p = FileRange(bytes_, sh.sh_offset, sh.sh_size);
      if (!p) throw BadElf(path_, std::string("truncated (section ") + (name ? name : "?") + " lies outside the file)");
      if (sh.sh_flags & SHF_EXECINSTR) {
        out_.code.push_back({name ? name : "", sh.sh_addr, std::vector<uint8_t>(p, p + sh.sh_size)});
      } else {
        data_sections_.push_back(scn);
      }
    }
    std::sort(out_.code.begin(), out_.code.end(), [](auto& a, auto& b) { return a.addr < b.addr; });
  }

  /// A Go program's own function table: the .gopclntab section, or inside a data section of a PIE program
  /// (found by its header, checked by reading it whole).
  void ReadGoFunctions() {
    if (!out_.is64) return;
    std::vector<Elf_Scn*> order = data_sections_;
    std::stable_partition(order.begin(), order.end(), [this](Elf_Scn* scn) { return scn == gopclntab_; });
    for (Elf_Scn* scn : order) {
      GElf_Shdr sh;
      if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS) continue;
      const uint8_t* p = FileRange(bytes_, sh.sh_offset, sh.sh_size);
      if (!p) continue;
      for (uint64_t at = FindGoPclntab(p, sh.sh_size, 0); at < sh.sh_size; at = FindGoPclntab(p, sh.sh_size, at + 4)) {
        std::optional<GoPclntab> table = ReadGoPclntab(p + at, sh.sh_size - at);
        if (!table) continue;
        out_.go_pclntab_format = table->format;
        for (FunctionSymbol& f : table->functions) out_.functions.push_back(std::move(f));
        return;
      }
    }
  }

  /// The symbol table linked from a relocation or dynamic section.
  void ReadSymbols(Elf_Scn* scn) {
    GElf_Shdr sh;
    gelf_getshdr(scn, &sh);
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (!data || sh.sh_entsize == 0) return;
    bool dynamic = sh.sh_type == SHT_DYNSYM;
    size_t count = sh.sh_size / sh.sh_entsize;
    for (size_t i = 0; i < count; ++i) {
      GElf_Sym sym;
      if (!gelf_getsym(data, static_cast<int>(i), &sym)) break;
      int type = GELF_ST_TYPE(sym.st_info);
      if ((type != STT_FUNC && type != STT_GNU_IFUNC) || sym.st_shndx == SHN_UNDEF || sym.st_value == 0) continue;
      const char* name = elf_strptr(elf_.get(), sh.sh_link, sym.st_name);
      int bind = GELF_ST_BIND(sym.st_info);
      bool exported = dynamic && (bind == STB_GLOBAL || bind == STB_WEAK) &&
                      GELF_ST_VISIBILITY(sym.st_other) == STV_DEFAULT;
      out_.functions.push_back({name ? name : "", sym.st_value, exported});
      if (type == STT_GNU_IFUNC) out_.code_pointers.push_back(sym.st_value);  // the resolver runs at load time
    }
  }

  void ReadRelocations(Elf_Scn* scn) {
    GElf_Shdr sh;
    gelf_getshdr(scn, &sh);
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (!data || sh.sh_entsize == 0) return;
    Elf_Scn* symscn = elf_getscn(elf_.get(), sh.sh_link);
    GElf_Shdr symsh{};
    Elf_Data* symdata = nullptr;
    if (symscn && gelf_getshdr(symscn, &symsh)) symdata = elf_getdata(symscn, nullptr);
    size_t count = sh.sh_size / sh.sh_entsize;
    for (size_t i = 0; i < count; ++i) {
      uint64_t offset = 0, info = 0;
      int64_t addend = 0;
      if (sh.sh_type == SHT_RELA) {
        GElf_Rela r;
        if (!gelf_getrela(data, static_cast<int>(i), &r)) break;
        offset = r.r_offset, info = r.r_info, addend = r.r_addend;
      } else {
        GElf_Rel r;
        if (!gelf_getrel(data, static_cast<int>(i), &r)) break;
        offset = r.r_offset, info = r.r_info;
      }
      uint32_t type = out_.is64 ? GELF_R_TYPE(info) : ELF32_R_TYPE(info);
      uint32_t symidx = out_.is64 ? GELF_R_SYM(info) : ELF32_R_SYM(info);
      Relocation(offset, type, symidx, addend, symdata, symsh.sh_link);
    }
  }

  void Relocation(uint64_t offset, uint32_t type, uint32_t symidx, int64_t addend, Elf_Data* symdata,
                  size_t strtab) {
    bool relative = out_.is64 ? (type == R_X86_64_RELATIVE || type == R_X86_64_IRELATIVE)
                              : (type == R_386_RELATIVE || type == R_386_IRELATIVE);
    if (relative) {
      out_.code_pointers.push_back(static_cast<uint64_t>(addend));  // i386 REL: the data scan sees the word
      return;
    }
    bool slot = out_.is64 ? (type == R_X86_64_JUMP_SLOT || type == R_X86_64_GLOB_DAT || type == R_X86_64_64)
                          : (type == R_386_JMP_SLOT || type == R_386_GLOB_DAT || type == R_386_32);
    if (!slot || symidx == 0 || !symdata) return;
    GElf_Sym sym;
    if (!gelf_getsym(symdata, static_cast<int>(symidx), &sym)) return;
    int symtype = GELF_ST_TYPE(sym.st_info);
    if (sym.st_shndx == SHN_UNDEF) {
      const char* name = elf_strptr(elf_.get(), strtab, sym.st_name);
      if (!name || !*name) return;
      bool word = out_.is64 ? type == R_X86_64_64 : type == R_386_32;
      if (word) {
        out_.import_pointers.push_back(name);  // a function pointer to an import stored in data
      } else {
        out_.got_imports[offset] = name;
      }
    } else if (symtype == STT_FUNC || symtype == STT_GNU_IFUNC) {
      out_.code_pointers.push_back(sym.st_value + static_cast<uint64_t>(addend));
    }
  }

  /// NUL-terminated C identifiers (3 to 64 characters) in a read-only data section.
  void ScanIdentifiers(const uint8_t* p, uint64_t size) {
    uint64_t start = 0;
    for (uint64_t i = 0; i < size; ++i) {
      uint8_t c = p[i];
      bool ident = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > start && c >= '0' && c <= '9');
      if (ident) continue;
      if (c == 0 && i - start >= 3 && i - start <= 64) out_.identifiers.emplace_back(p + start, p + i);
      start = i + 1;
    }
  }

  /// Pointer-sized, aligned words in data that point into code: function pointers of non-PIE programs.
  void ScanData(Elf_Scn* scn) {
    GElf_Shdr sh;
    gelf_getshdr(scn, &sh);
    if (!(sh.sh_flags & SHF_ALLOC) || sh.sh_type == SHT_NOBITS) return;
    const uint8_t* p = FileRange(bytes_, sh.sh_offset, sh.sh_size);
    if (!p) throw BadElf(path_, "truncated (a data section lies outside the file)");
    if (!(sh.sh_flags & SHF_WRITE) && sh.sh_type == SHT_PROGBITS) ScanIdentifiers(p, sh.sh_size);
    size_t w = out_.is64 ? 8 : 4;
    bool init = std::find(init_arrays_.begin(), init_arrays_.end(), scn) != init_arrays_.end();
    // Position-independent files keep their pointers in relocations (read elsewhere), not in the data.
    if (out_.shared && !init) return;
    for (uint64_t off = (w - sh.sh_addr % w) % w; off + w <= sh.sh_size; off += w) {
      uint64_t v = ReadWord(p + off, out_.is64);
      if (!out_.InCode(v)) continue;
      out_.code_pointers.push_back(v);
      if (init) out_.init_functions.push_back(v);
    }
  }

  /// The word at virtual address `addr` in an allocated section, if the file holds it.
  bool WordAt(uint64_t addr, uint64_t& value) {
    size_t w = out_.is64 ? 8 : 4;
    for (Elf_Scn* scn = elf_nextscn(elf_.get(), nullptr); scn; scn = elf_nextscn(elf_.get(), scn)) {
      GElf_Shdr sh;
      if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS || !(sh.sh_flags & SHF_ALLOC)) continue;
      if (addr < sh.sh_addr || addr + w > sh.sh_addr + sh.sh_size) continue;
      const uint8_t* p = FileRange(bytes_, sh.sh_offset + (addr - sh.sh_addr), w);
      if (!p) return false;
      value = ReadWord(p, out_.is64);
      return true;
    }
    return false;
  }

  /// SHT_RELR: an address, then bitmaps of the following words; each relocated word holds its target.
  void ReadRelr(Elf_Scn* scn) {
    GElf_Shdr sh;
    gelf_getshdr(scn, &sh);
    size_t w = out_.is64 ? 8 : 4;
    const uint8_t* p = FileRange(bytes_, sh.sh_offset, sh.sh_size);
    if (!p) throw BadElf(path_, "truncated (.relr.dyn lies outside the file)");
    std::vector<uint64_t> places;
    uint64_t where = 0;
    for (uint64_t off = 0; off + w <= sh.sh_size; off += w) {
      uint64_t entry = ReadWord(p + off, out_.is64);
      if ((entry & 1) == 0) {
        places.push_back(entry);
        where = entry + w;
      } else {
        for (size_t bit = 1; bit < w * 8; ++bit) {
          if (entry & (uint64_t{1} << bit)) places.push_back(where + (bit - 1) * w);
        }
        where += (w * 8 - 1) * w;
      }
    }
    std::sort(places.begin(), places.end());
    for (uint64_t place : places) {
      uint64_t v = 0;
      if (WordAt(place, v) && out_.InCode(v)) out_.code_pointers.push_back(v);
    }
  }

  void ReadDynamic(Elf_Scn* scn) {
    GElf_Shdr sh;
    gelf_getshdr(scn, &sh);
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (!data || sh.sh_entsize == 0) return;
    size_t count = sh.sh_size / sh.sh_entsize;
    for (size_t i = 0; i < count; ++i) {
      GElf_Dyn d;
      if (!gelf_getdyn(data, static_cast<int>(i), &d) || d.d_tag == DT_NULL) break;
      if (d.d_tag == DT_NEEDED || d.d_tag == DT_RUNPATH || d.d_tag == DT_RPATH) {
        const char* s = elf_strptr(elf_.get(), sh.sh_link, d.d_un.d_val);
        if (!s) continue;
        if (d.d_tag == DT_NEEDED) {
          out_.needed.push_back(s);
        } else {
          std::string all = s;
          for (size_t start = 0; start <= all.size();) {
            size_t colon = all.find(':', start);
            if (colon == std::string::npos) colon = all.size();
            if (colon > start) out_.runpath.push_back(all.substr(start, colon - start));
            start = colon + 1;
          }
        }
      } else if (d.d_tag == DT_INIT || d.d_tag == DT_FINI) {
        out_.init_functions.push_back(d.d_un.d_ptr);
        out_.code_pointers.push_back(d.d_un.d_ptr);
      }
    }
  }

  const std::string& path_;
  const std::vector<uint8_t>& bytes_;
  ElfImage& out_;
  ElfPtr elf_;
  std::vector<Elf_Scn*> symbol_tables_, relocation_sections_, data_sections_, init_arrays_, relr_sections_;
  bool go_program_ = false;      // has .go.buildinfo
  Elf_Scn* gopclntab_ = nullptr;  // Go's function table, when it has a section of its own
  Elf_Scn* dynamic_ = nullptr;
};

}  // namespace

bool ElfImage::InCode(uint64_t addr) const {
  for (const CodeSection& s : code) {
    if (addr >= s.addr && addr - s.addr < s.bytes.size()) return true;
  }
  return false;
}

int ElfImage::PcThunkRegister(uint64_t target) const {
  for (const CodeSection& s : code) {
    if (target < s.addr || target - s.addr + 4 > s.bytes.size()) continue;
    const uint8_t* b = s.bytes.data() + (target - s.addr);
    if (b[0] == 0x8b && (b[1] & 0xc7) == 0x04 && b[2] == 0x24 && b[3] == 0xc3) return (b[1] >> 3) & 7;
  }
  return -1;
}

ElfImage ParseElf(const std::string& path, const std::vector<uint8_t>& bytes) {
  ElfImage image;
  image.path = path;
  Reader(path, bytes, image).Run();
  return image;
}

std::vector<uint8_t> ReadBinaryFile(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) throw SystemError(path, errno, kExitUsage);
  if (S_ISDIR(st.st_mode)) throw Error(path + ": is a directory, not an ELF file");
  if (!S_ISREG(st.st_mode)) throw Error(path + ": not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SystemError(path, errno, kExitUsage);
  std::vector<uint8_t> bytes(static_cast<size_t>(st.st_size));
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (in.gcount() != static_cast<std::streamsize>(bytes.size())) throw Error(path + ": could not read the whole file");
  return bytes;
}

ElfImage ReadElf(const std::string& path) { return ParseElf(path, ReadBinaryFile(path)); }

}  // namespace profilegen::reach

#include "reach/go_pclntab.h"

#include <cstring>

namespace profilegen::reach {
namespace {

// The magic numbers the Go linker writes at the start of the table (runtime/symtab.go).
constexpr uint32_t kMagic12 = 0xfffffffb;
constexpr uint32_t kMagic116 = 0xfffffffa;
constexpr uint32_t kMagic118 = 0xfffffff0;
constexpr uint32_t kMagic120 = 0xfffffff1;
constexpr size_t kPtr = 8;  // amd64 only: i386 Go programs are not analysed for wrappers

template <typename T>
bool Read(const uint8_t* data, uint64_t size, uint64_t off, T& out) {
  if (off > size || sizeof(T) > size - off) return false;
  std::memcpy(&out, data + off, sizeof(T));
  return true;
}

/// The NUL-terminated name at `off`, if it ends inside the data.
bool Name(const uint8_t* data, uint64_t size, uint64_t off, std::string& out) {
  if (off >= size) return false;
  const void* end = std::memchr(data + off, 0, size - off);
  if (!end) return false;
  out.assign(reinterpret_cast<const char*>(data + off), static_cast<const uint8_t*>(end) - (data + off));
  return true;
}

int FormatOf(uint32_t magic) {
  switch (magic) {
    case kMagic12:
      return 102;
    case kMagic116:
      return 116;
    case kMagic118:
      return 118;
    case kMagic120:
      return 120;
    default:
      return 0;
  }
}

}  // namespace

std::optional<GoPclntab> ReadGoPclntab(const uint8_t* data, uint64_t size) {
  uint32_t magic = 0;
  uint8_t pad1 = 1, pad2 = 1, quantum = 0, ptr = 0;
  if (!Read(data, size, 0, magic) || !Read(data, size, 4, pad1) || !Read(data, size, 5, pad2) ||
      !Read(data, size, 6, quantum) || !Read(data, size, 7, ptr)) {
    return std::nullopt;
  }
  GoPclntab out;
  out.format = FormatOf(magic);
  if (out.format == 0 || pad1 != 0 || pad2 != 0 || quantum != 1 || ptr != kPtr) return std::nullopt;
  uint64_t nfunc = 0;
  if (!Read(data, size, 8, nfunc) || nfunc == 0 || nfunc > size / 8) return std::nullopt;
  // Per format: where the (entry, func offset) pairs are, how wide they are, and what offsets count from.
  uint64_t text = 0, names = 0, functab = 0;
  if (out.format >= 118) {
    uint64_t funcname = 0, pcln = 0;
    if (!Read(data, size, 24, text) || !Read(data, size, 32, funcname) || !Read(data, size, 64, pcln)) {
      return std::nullopt;
    }
    names = funcname;
    functab = pcln;
  } else if (out.format == 116) {
    uint64_t funcname = 0, pcln = 0;
    if (!Read(data, size, 24, funcname) || !Read(data, size, 56, pcln)) return std::nullopt;
    names = funcname;
    functab = pcln;
  } else {
    functab = 8 + kPtr;
  }
  out.functions.reserve(nfunc);
  for (uint64_t i = 0; i < nfunc; ++i) {
    uint64_t entry = 0, base = 0;
    int32_t nameoff = 0;
    if (out.format >= 118) {
      uint32_t e = 0, f = 0;  // entry offset from the text start, _func offset from the table
      if (!Read(data, size, functab + i * 8, e) || !Read(data, size, functab + i * 8 + 4, f)) return std::nullopt;
      if (!Read(data, size, functab + f + 4, nameoff)) return std::nullopt;  // after the _func's entryOff
      entry = text + e;
      base = names;
    } else {
      uint64_t funcoff = 0;
      if (!Read(data, size, functab + i * 16, entry) || !Read(data, size, functab + i * 16 + 8, funcoff)) {
        return std::nullopt;
      }
      uint64_t func = out.format == 116 ? functab + funcoff : funcoff;
      if (!Read(data, size, func + kPtr, nameoff)) return std::nullopt;
      base = out.format == 116 ? names : 0;
    }
    if (nameoff < 0) return std::nullopt;
    FunctionSymbol sym;
    sym.addr = entry;
    if (!Name(data, size, base + static_cast<uint64_t>(nameoff), sym.name)) return std::nullopt;
    if (i > 0 && entry < out.functions.back().addr) return std::nullopt;  // the table is sorted by entry
    out.functions.push_back(std::move(sym));
  }
  return out;
}

uint64_t FindGoPclntab(const uint8_t* data, uint64_t size, uint64_t from) {
  static constexpr uint8_t kTail[] = {0, 0, 1, kPtr};     // pads, quantum, pointer size after the magic
  for (uint64_t off = from; off + 8 <= size; off += 4) {  // the table is aligned
    if (std::memcmp(data + off + 4, kTail, sizeof kTail) != 0) continue;
    uint32_t magic;
    std::memcpy(&magic, data + off, 4);
    if (FormatOf(magic) >= 116) return off;
  }
  return size;
}

}  // namespace profilegen::reach

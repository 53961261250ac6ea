#include "reach/cache.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "base/atomic_file.h"
#include "base/error.h"
#include "reach/analyse.h"
#include "reach/decode.h"
#include "reach/elf_image.h"

namespace profilegen::reach {
namespace {

/// mkdir -p; failures are left for the write to notice (the cache is an optimisation).
void MakeDirs(const std::string& dir) {
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i == dir.size() || dir[i] == '/') mkdir(dir.substr(0, i).c_str(), 0755);
  }
}

bool ReadCacheFile(const std::string& path, std::vector<uint8_t>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !out.empty();
}

}  // namespace

std::string DefaultCacheDir() {
  if (const char* d = std::getenv("PROFILEGEN_CACHE_DIR"); d && *d) return d;
  if (const char* d = std::getenv("XDG_CACHE_HOME"); d && *d) return std::string(d) + "/profilegen/reach";
  if (const char* d = std::getenv("HOME"); d && *d) return std::string(d) + "/.cache/profilegen/reach";
  return "";
}

std::string ContentHash(const std::vector<uint8_t>& bytes) {
  // Two independent 64-bit multiply-xorshift lanes over 8-byte words, and the length: not cryptographic
  // (the cache lives in the user's own folder), but collisions between real binaries are out of reach.
  uint64_t a = 0x9e3779b97f4a7c15ull ^ bytes.size(), b = 0xc2b2ae3d27d4eb4full + bytes.size();
  size_t n = bytes.size() / 8;
  const uint8_t* p = bytes.data();
  for (size_t i = 0; i < n; ++i) {
    uint64_t w;
    std::memcpy(&w, p + i * 8, 8);
    a = (a ^ w) * 0xff51afd7ed558ccdull;
    a ^= a >> 32;
    b = (b + w) * 0xc4ceb9fe1a85ec53ull;
    b ^= b >> 29;
  }
  for (size_t i = n * 8; i < bytes.size(); ++i) {
    a = (a ^ p[i]) * 0xff51afd7ed558ccdull;
    b = (b + p[i]) * 0xc4ceb9fe1a85ec53ull;
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b));
  return buf;
}

SummaryLoad LoadSummary(const std::string& path, const std::string& cache_dir) {
  std::vector<uint8_t> bytes = ReadBinaryFile(path);
  std::string entry;
  if (!cache_dir.empty()) {
    entry = cache_dir + "/" + ContentHash(bytes) + "-v" + std::to_string(kAnalysisVersion) + "-" + DecoderName() +
            ".msgpack";
    std::vector<uint8_t> cached;
    if (ReadCacheFile(entry, cached)) {
      try {
        SummaryLoad load{DeserializeSummary(cached), true};
        load.summary.path = path;
        return load;
      } catch (const Error&) {
        // a damaged entry: analyse again and replace it
      }
    }
  }
  SummaryLoad load{Analyse(ParseElf(path, bytes)), false};
  if (!entry.empty()) {
    MakeDirs(cache_dir);
    std::vector<uint8_t> out = SerializeSummary(load.summary);
    try {
      WriteFileAtomically(entry, std::string_view(reinterpret_cast<const char*>(out.data()), out.size()));
    } catch (const Error&) {
      // an unwritable cache only costs time
    }
  }
  return load;
}

}  // namespace profilegen::reach

#include "syscalls/syscalls.h"

#include <seccomp.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>

namespace profilegen::sys {
namespace {

struct FreeDeleter {
  void operator()(char* p) const noexcept { std::free(p); }
};

std::vector<ArchInfo> BuildArches() {
  std::vector<ArchInfo> v = {
      {SCMP_ARCH_X86_64, "SCMP_ARCH_X86_64", "amd64"},
      {SCMP_ARCH_X86, "SCMP_ARCH_X86", "x86"},
      {SCMP_ARCH_X32, "SCMP_ARCH_X32", "x32"},
      {SCMP_ARCH_AARCH64, "SCMP_ARCH_AARCH64", "arm64"},
      {SCMP_ARCH_ARM, "SCMP_ARCH_ARM", "arm"},
      {SCMP_ARCH_MIPS, "SCMP_ARCH_MIPS", "mips"},
      {SCMP_ARCH_MIPSEL, "SCMP_ARCH_MIPSEL", "mipsle"},
      {SCMP_ARCH_MIPS64, "SCMP_ARCH_MIPS64", "mips64"},
      {SCMP_ARCH_MIPSEL64, "SCMP_ARCH_MIPSEL64", "mips64le"},
      {SCMP_ARCH_MIPS64N32, "SCMP_ARCH_MIPS64N32", "mips64n32"},
      {SCMP_ARCH_MIPSEL64N32, "SCMP_ARCH_MIPSEL64N32", "mips64len32"},
      {SCMP_ARCH_PPC, "SCMP_ARCH_PPC", "ppc"},
      {SCMP_ARCH_PPC64, "SCMP_ARCH_PPC64", "ppc64"},
      {SCMP_ARCH_PPC64LE, "SCMP_ARCH_PPC64LE", "ppc64le"},
      {SCMP_ARCH_S390, "SCMP_ARCH_S390", "s390"},
      {SCMP_ARCH_S390X, "SCMP_ARCH_S390X", "s390x"},
      {SCMP_ARCH_PARISC, "SCMP_ARCH_PARISC", "parisc"},
      {SCMP_ARCH_PARISC64, "SCMP_ARCH_PARISC64", "parisc64"},
      {SCMP_ARCH_RISCV64, "SCMP_ARCH_RISCV64", "riscv64"},
  };
  return v;
}

// Syscall numbers live in a few ranges across the architectures libseccomp knows.
template <typename F>
void ForEachCandidateNumber(ArchToken arch, F&& f) {
  auto range = [&](int64_t lo, int64_t hi) {
    for (int64_t n = lo; n < hi; ++n) f(n);
  };
  switch (arch) {
    case SCMP_ARCH_MIPS:
    case SCMP_ARCH_MIPSEL: range(4000, 4600); break;
    case SCMP_ARCH_MIPS64:
    case SCMP_ARCH_MIPSEL64: range(5000, 5600); break;
    case SCMP_ARCH_MIPS64N32:
    case SCMP_ARCH_MIPSEL64N32: range(6000, 6600); break;
    case SCMP_ARCH_ARM:
      range(0, 1100);
      range(0x0f0000, 0x0f0010);
      break;
    default: range(0, 1100);
  }
}

}  // namespace

const std::vector<ArchInfo>& AllArches() {
  static const std::vector<ArchInfo> arches = BuildArches();
  return arches;
}

std::optional<ArchInfo> ArchByToken(ArchToken token) {
  for (const auto& a : AllArches())
    if (a.token == token) return a;
  return std::nullopt;
}

std::string ArchLabel(ArchToken token) {
  if (auto info = ArchByToken(token)) return std::string(info->scmp);
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", token);
  return buf;
}

std::optional<ArchInfo> ArchByScmpName(std::string_view name) {
  for (const auto& a : AllArches())
    if (a.scmp == name) return a;
  return std::nullopt;
}

std::optional<ArchInfo> ArchByNativeName(std::string_view name) {
  if (name == "x86_64") name = "amd64";
  if (name == "aarch64") name = "arm64";
  if (name == "i386" || name == "386" || name == "i686") name = "x86";
  for (const auto& a : AllArches())
    if (a.native == name) return a;
  return std::nullopt;
}

std::optional<ArchInfo> ArchByAnyName(std::string_view name) {
  if (auto a = ArchByScmpName(name)) return a;
  return ArchByNativeName(name);
}

ArchToken HostArch() { return seccomp_arch_native(); }

std::vector<ArchToken> SubArches(ArchToken host) {
  switch (host) {
    case SCMP_ARCH_X86_64: return {SCMP_ARCH_X86, SCMP_ARCH_X32};
    case SCMP_ARCH_AARCH64: return {SCMP_ARCH_ARM};
    case SCMP_ARCH_MIPS64: return {SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64N32};
    case SCMP_ARCH_MIPS64N32: return {SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64};
    case SCMP_ARCH_MIPSEL64: return {SCMP_ARCH_MIPSEL, SCMP_ARCH_MIPSEL64N32};
    case SCMP_ARCH_MIPSEL64N32: return {SCMP_ARCH_MIPSEL, SCMP_ARCH_MIPSEL64};
    case SCMP_ARCH_S390X: return {SCMP_ARCH_S390};
    case SCMP_ARCH_PPC64:
    case SCMP_ARCH_PPC64LE: return {};
    default: return {};
  }
}

std::optional<std::string> NameOf(ArchToken arch, int64_t nr) {
  if (nr < 0 || nr > 0x7fffffff) return std::nullopt;
  int n = static_cast<int>(nr);
  if (arch == SCMP_ARCH_X32) n |= static_cast<int>(kX32SyscallBit);
  std::unique_ptr<char, FreeDeleter> name(seccomp_syscall_resolve_num_arch(arch, n));
  if (!name) return std::nullopt;
  return std::string(name.get());
}

namespace {

/// name -> number on one arch, from the number -> name direction. libseccomp's
/// name lookup is not its inverse: on x86 it answers "socket" (and the other
/// socketcall/ipc calls) with a negative pseudo number, although the kernel has
/// had direct numbers for them (socket is 359) since 4.3.
const std::map<std::string, int64_t, std::less<>>& NumbersOn(ArchToken arch) {
  static std::mutex mu;
  static std::map<ArchToken, std::map<std::string, int64_t, std::less<>>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(arch);
  if (it != cache.end()) return it->second;
  std::map<std::string, int64_t, std::less<>> numbers;
  ForEachCandidateNumber(arch, [&](int64_t n) {
    if (auto name = NameOf(arch, n)) numbers.emplace(*name, n);
  });
  return cache.emplace(arch, std::move(numbers)).first->second;
}

}  // namespace

Resolution Resolve(ArchToken arch, std::string_view name) {
  const auto& numbers = NumbersOn(arch);
  if (auto it = numbers.find(name); it != numbers.end()) return {NameStatus::kPresent, it->second};
  std::string s(name);
  int nr = seccomp_syscall_resolve_name_arch(arch, s.c_str());
  if (nr == __NR_SCMP_ERROR && !IsKnownName(name)) return {NameStatus::kUnknown, nr};
  return {NameStatus::kAbsent, nr};
}

bool Is32Bit(ArchToken arch) {
  switch (arch) {
    case SCMP_ARCH_X86:
    case SCMP_ARCH_X32:
    case SCMP_ARCH_ARM:
    case SCMP_ARCH_MIPS:
    case SCMP_ARCH_MIPSEL:
    case SCMP_ARCH_PPC:
    case SCMP_ARCH_S390: return true;
    default: return false;
  }
}

int64_t LibseccompNumber(ArchToken arch, std::string_view name) {
  std::string s(name);
  return seccomp_syscall_resolve_name_arch(arch, s.c_str());
}

bool IsKnownName(std::string_view name) {
  if (name.empty()) return false;
  std::string s(name);
  for (const auto& a : AllArches())
    if (seccomp_syscall_resolve_name_arch(a.token, s.c_str()) != __NR_SCMP_ERROR) return true;
  return false;
}

const std::vector<std::string>& NamesOn(ArchToken arch) {
  static std::mutex mu;
  static std::map<ArchToken, std::vector<std::string>> cache;
  const auto& numbers = NumbersOn(arch);
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(arch);
  if (it != cache.end()) return it->second;
  std::vector<std::string> names;
  for (const auto& [name, nr] : numbers) names.push_back(name);  // sorted: a map
  return cache.emplace(arch, std::move(names)).first->second;
}

int64_t MaxSyscallNumber(ArchToken arch) {
  int64_t max = -1;
  ForEachCandidateNumber(arch, [&](int64_t n) {
    if (NameOf(arch, n)) max = std::max(max, n);
  });
  return max;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::optional<std::string> Suggest(std::string_view word, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  size_t best_distance = 0;
  // A typo is a few edits away, relative to the word's length; anything further is a different word.
  size_t limit = std::max<size_t>(1, std::min<size_t>(3, word.size() / 3 + 1));
  for (const auto& c : candidates) {
    size_t d = EditDistance(word, c);
    if (d <= limit && (!best || d < best_distance)) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

}  // namespace profilegen::sys

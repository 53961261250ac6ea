// The filter runc and crun install equals what Compile builds for them, for seeded random profiles (not only for
// Docker's): each profile runs `sleep` in a container of the real runtime (tests/validator/engine_filter.sh),
// whose filter is read back with PTRACE_SECCOMP_GET_FILTER and compared instruction for instruction. runc's
// ENOSYS stub orders its arches by a Go map, so for runc the stub is compared by behaviour (the BPF interpreter
// on every number of four arches, and on argument points for the profile's own names) and libseccomp's part
// byte for byte. With PROFILEGEN_ENGINE_DUMP=DIR the two programs of a size or byte mismatch are written there.
#include <linux/filter.h>
#include <seccomp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <set>

#include "profile/parse.h"
#include "profile/runtime_layer.h"
#include "profile/writer.h"
#include "tests/support/skip.h"
#include "tests/validator/helpers.h"
#include "tests/validator/random_profile.h"
#include "validator/bpf.h"
#include "validator/compile.h"

namespace profilegen::validator {
namespace {

using profilegen::testing::Fixture;
using profilegen::testing::Slurp;
using profilegen::testing::TempDir;

bool OnPath(const std::string& tool) {
  return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0;
}

// What the random entries may name: the oracle's pool without what the runtimes need after loading the filter
// (profile/runtime_layer.h) and what `sleep` needs, so that every container starts whatever the entries say.
// runc 1.1.5 also calls fcntl(F_SETFD) after loading the filter (utils.CloseExecFrom in finalizeNamespace) and
// ignores its failure: harmless under an ERRNO default, so the runtime layer does not list it, but a TRAP or
// KILL answer kills runc's init.
std::vector<std::string> EntryNames() {
  std::set<std::string> needed = {"clone", "mmap", "read", "write", "close", "fcntl"};
  for (const char* runtime : {"runc", "crun"}) {
    for (bool nnp : {false, true}) {
      for (const auto& need : profile::RuntimeNeeds(profile::RuntimeLayerFor(runtime), nnp)) needed.insert(need.name);
    }
  }
  std::vector<std::string> names;
  for (const std::string& n : testing::NamePool())
    if (!needed.count(n)) names.push_back(n);
  return names;
}

// What Docker's profile allows unconditionally on amd64 without capabilities (and clone, clone3, fcntl), without
// the names the random entries use: first in every profile, so that the runtime and `sleep` run whatever the
// random default action is.
profile::Rule Baseline(const std::vector<std::string>& entry_names) {
  const profile::Profile moby = profile::ParseProfile(Slurp(Fixture("moby-default.json"))).profile;
  std::set<std::string> names = {"clone", "clone3", "fcntl"};
  for (const auto& r : moby.syscalls) {
    const auto& arches = r.includes.arches;
    const bool on_amd64 = arches.empty() || std::find(arches.begin(), arches.end(), "amd64") != arches.end();
    if (r.action == profile::Action::kAllow && r.args.empty() && r.includes.caps.empty() &&
        r.includes.min_kernel.empty() && on_amd64 && r.excludes.empty())
      names.insert(r.names.begin(), r.names.end());
  }
  for (const auto& n : entry_names) names.erase(n);
  profile::Rule base;
  base.names.assign(names.begin(), names.end());
  base.action = profile::Action::kAllow;
  return base;
}

// engine_filter.sh builds its bundles with `runc spec`'s capabilities.
Compiled CompileLikeBundle(const profile::Profile& p, Runtime runtime) {
  CompileOptions o;
  o.runtime = runtime;
  o.target.caps = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
  return Compile(p, o);
}

Program ReadProgram(const std::string& path) {
  const std::string bytes = Slurp(path);
  REQUIRE(bytes.size() % sizeof(sock_filter) == 0);
  Program p(bytes.size() / sizeof(sock_filter));
  std::memcpy(p.data(), bytes.data(), bytes.size());
  return p;
}

bool SameBytes(const sock_filter* a, const sock_filter* b, size_t n) {
  return std::memcmp(a, b, n * sizeof(sock_filter)) == 0;
}

// Where the two programs answer differently, or "" when they agree on every number of four arches (no arguments)
// and on argument points for the profile's names.
std::string FirstDifference(const Program& a, const Program& b, const profile::Profile& p, std::mt19937_64& rng) {
  const std::vector<sys::ArchToken> arches{SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32, SCMP_ARCH_AARCH64};
  for (sys::ArchToken arch : arches) {
    for (int64_t nr = 0; nr < 1100; ++nr) {
      SeccompData d;
      d.arch = AuditArch(arch);
      d.nr = FilterNumber(arch, nr);
      if (RunFilter(a, d) != RunFilter(b, d)) return "arch " + std::to_string(arch) + " nr " + std::to_string(nr);
    }
  }
  std::vector<uint64_t> values = testing::ValuePool();
  for (const auto& r : p.syscalls)
    for (const auto& c : r.args) values.insert(values.end(), {c.value, c.value + 1, c.value - 1, c.value_two});
  for (const auto& r : p.syscalls) {
    for (const std::string& name : r.names) {
      for (sys::ArchToken arch : {sys::ArchToken{SCMP_ARCH_X86_64}, sys::ArchToken{SCMP_ARCH_X86}}) {
        const auto res = sys::Resolve(arch, name);
        if (res.status != sys::NameStatus::kPresent) continue;
        for (int k = 0; k < 64; ++k) {
          SeccompData d;
          d.arch = AuditArch(arch);
          d.nr = FilterNumber(arch, res.nr);
          for (auto& x : d.args) x = values[rng() % values.size()];
          if (RunFilter(a, d) != RunFilter(b, d)) return name + " on arch " + std::to_string(arch) + " with arguments";
        }
      }
    }
  }
  return "";
}

// With PROFILEGEN_ENGINE_DUMP=DIR, both programs of a mismatch as text (one instruction a line), to diff.
void Dump(const std::string& name, const Program& mine, const Program& theirs) {
  const char* dir = std::getenv("PROFILEGEN_ENGINE_DUMP");
  if (!dir) return;
  for (const auto& [suffix, prog] : {std::pair{".compile.txt", &mine}, std::pair{".engine.txt", &theirs}}) {
    std::FILE* f = std::fopen((std::string(dir) + "/" + name + suffix).c_str(), "w");
    if (!f) return;
    for (const sock_filter& i : *prog) std::fprintf(f, "%04x %3u %3u %08x\n", i.code, i.jt, i.jf, i.k);
    std::fclose(f);
  }
}

struct Tally {
  size_t compared = 0, refused = 0, exact = 0, equivalent = 0, different = 0, not_started = 0;
};

// Runs `profiles` (already known to compile) under `runtime`, compares what it installed with Compile.
void CompareUnder(const std::string& runtime, const std::vector<profile::Profile>& profiles, Tally& t) {
  TempDir dir;
  std::string cmd = std::string(PROFILEGEN_SOURCE_DIR) + "/tests/validator/engine_filter.sh " + runtime;
  for (size_t i = 0; i < profiles.size(); ++i) {
    const std::string name = "p" + std::to_string(i);
    dir.Write(name + ".json", profile::WriteProfile(profiles[i]));
    cmd += " " + dir.path() + "/" + name + ".json " + dir.path() + "/" + name + ".bpf";
  }
  const int status = std::system(cmd.c_str());
  INFO("engine_filter.sh " << runtime << " exited with " << status);
  const Runtime rt = runtime == "crun" ? Runtime::kCrun : Runtime::kRunc;
  std::mt19937_64 rng(7);
  for (size_t i = 0; i < profiles.size(); ++i) {
    const std::string bpf = dir.path() + "/p" + std::to_string(i) + ".bpf";
    INFO(runtime << ", random profile " << i << ":\n" << profile::WriteProfile(profiles[i]));
    if (!std::filesystem::exists(bpf)) {
      ++t.not_started;
      FAIL_CHECK(runtime << " did not start the container: the baseline allow-list misses what it needs");
      continue;
    }
    const Program theirs = ReadProgram(bpf);
    const Compiled mine = CompileLikeBundle(profiles[i], rt);
    ++t.compared;
    // libseccomp's part (all of crun's program) byte for byte; runc's stub may order its arches differently.
    const size_t tail = mine.program.size() - mine.stub_instructions;
    const bool same_size = mine.program.size() == theirs.size();
    const bool tail_same = theirs.size() >= tail &&
                           SameBytes(mine.program.data() + mine.stub_instructions,
                                     theirs.data() + (theirs.size() - tail), tail);
    INFO("Compile: " << mine.program.size() << " instructions (stub " << mine.stub_instructions << "), " << runtime
                      << ": " << theirs.size());
    if (!same_size || !tail_same) Dump(runtime + "-p" + std::to_string(i), mine.program, theirs);
    CHECK(same_size);
    CHECK(tail_same);
    if (same_size && SameBytes(mine.program.data(), theirs.data(), theirs.size())) {
      ++t.exact;
      continue;
    }
    if (rt == Runtime::kCrun) CHECK(mine.stub_instructions == 0);  // crun builds no stub: it must be exact
    const std::string diff = FirstDifference(mine.program, theirs, profiles[i], rng);
    CHECK(diff == "");
    ++(diff.empty() ? t.equivalent : t.different);
  }
}

}  // namespace

TEST_CASE("[engine][root] runc and crun install exactly the program Compile builds, for random profiles",
          "[engine][root]") {
  const std::string what = "random profiles under runc and crun";
  if (!support::Need(what, "root", ::geteuid() == 0)) return;
  if (!support::Need(what, "runc", OnPath("runc"))) return;
  if (!support::Need(what, "crun", OnPath("crun"))) return;
  if (!support::Need(what, "python3", OnPath("python3"))) return;
  // 12 per runtime: 43 to 85 s on the project's 2-core machine while other builds and engine tests ran (load 5
  // to 8); 16 took 74 s there. PROFILEGEN_ENGINE_PROFILES=N runs more.
  const char* env = std::getenv("PROFILEGEN_ENGINE_PROFILES");
  const size_t per_runtime = env ? static_cast<size_t>(std::atoi(env)) : 12;

  const std::vector<std::string> entry_names = EntryNames();
  REQUIRE(entry_names.size() >= 10);
  const profile::Rule base = Baseline(entry_names);
  std::mt19937_64 rng(20261130);
  Tally runc, crun;
  for (const std::string runtime : {"runc", "crun"}) {
    Tally& t = runtime == "runc" ? runc : crun;
    const Runtime rt = runtime == "runc" ? Runtime::kRunc : Runtime::kCrun;
    std::vector<profile::Profile> profiles;
    while (profiles.size() < per_runtime) {
      profile::Profile p = testing::RandomProfile(rng, true, entry_names);
      p.syscalls.insert(p.syscalls.begin(), base);
      // Through the writer and the parser: the runtime reads the same text.
      profile::ParseResult parsed = profile::ParseProfile(profile::WriteProfile(p));
      REQUIRE_FALSE(parsed.HasErrors());
      if (!CompileLikeBundle(parsed.profile, rt).ok()) {
        ++t.refused;  // libseccomp refuses a rule (EEXIST): the runtime fails to start, nothing to read back
        continue;
      }
      profiles.push_back(std::move(parsed.profile));
    }
    const auto start = std::chrono::steady_clock::now();
    CompareUnder(runtime, profiles, t);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%s: %zu random profiles compared in %.1f s (%zu skipped: libseccomp refuses them): %zu identical, "
                "%zu equivalent (different bytes, same answers), %zu different, %zu did not start\n",
                runtime.c_str(), t.compared, seconds, t.refused, t.exact, t.equivalent, t.different, t.not_started);
  }
  CHECK(runc.compared == per_runtime);
  CHECK(crun.compared == per_runtime);
  CHECK(crun.exact == crun.compared);
}

}  // namespace profilegen::validator

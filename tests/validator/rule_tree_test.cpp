// The effective policy's model of libseccomp's rule tree (profile/libseccomp_tree.h) against the program
// libseccomp 2.5.4 really builds, read with the project's BPF interpreter (which the kernel oracle shows equal to
// the kernel): many rules for ONE syscall, so that they overlap far more often than in the kernel oracle's
// profiles. No root, no ptrace.
#include <linux/seccomp.h>
#include <seccomp.h>

#include <catch2/catch.hpp>
#include <random>

#include "profile/effective.h"
#include "tests/validator/random_profile.h"
#include "validator/bpf.h"
#include "validator/compile.h"

namespace profilegen::validator {
namespace {

// A profile of 2 to 8 entries all naming `read`, on x86_64 and i386, with random actions and conditions.
profile::Profile CrowdedProfile(std::mt19937_64& rng) {
  profile::Profile p = testing::RandomProfile(rng, true, {"read"});
  p.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"};
  const size_t extra = 1 + rng() % 3;
  for (size_t i = 0; i < extra; ++i) {
    profile::Profile more = testing::RandomProfile(rng, true, {"read"});
    p.syscalls.insert(p.syscalls.end(), more.syscalls.begin(), more.syscalls.end());
  }
  return p;
}

}  // namespace

TEST_CASE("the rule-tree model answers as libseccomp's BPF for crowded rule sets on one syscall",
          "[validator][semantics]") {
  std::mt19937_64 rng(20261130);
  CompileOptions o;
  o.target.arch = SCMP_ARCH_X86_64;
  o.target.caps = profile::DefaultCaps();
  o.runtime = Runtime::kCrun;  // no ENOSYS stub
  size_t compared = 0, refused = 0, mismatches = 0, ambiguous = 0;
  for (int n = 0; n < 1500; ++n) {
    const profile::Profile p = CrowdedProfile(rng);
    const Compiled c = Compile(p, o);
    if (!c.ok()) {
      ++refused;  // EEXIST: runc and crun fail too
      continue;
    }
    const profile::EffectivePolicy policy = profile::Evaluate(p, o.target);
    std::vector<uint64_t> values = testing::ValuePool();
    for (const auto& r : p.syscalls) {
      for (const auto& a : r.args) values.insert(values.end(), {a.value, a.value + 1, a.value - 1});
    }
    for (const sys::ArchToken arch : {sys::ArchToken{SCMP_ARCH_X86_64}, sys::ArchToken{SCMP_ARCH_X86}}) {
      const auto nr = sys::Resolve(arch, "read").nr;
      for (int k = 0; k < 24; ++k) {
        SeccompData d;
        d.arch = AuditArch(arch);
        d.nr = FilterNumber(arch, nr);
        uint64_t args[6] = {};
        for (int i = 0; i < 6; ++i) {
          args[i] = values[rng() % values.size()];
          if (arch == SCMP_ARCH_X86) args[i] &= 0xffffffffu;
          d.args[i] = args[i];
        }
        bool amb = false;
        const uint32_t want = ScmpAction(profile::PolicyVerdict(policy, arch, "read", args, &amb));
        if (amb) {
          ++ambiguous;
          continue;
        }
        ++compared;
        const uint32_t got = RunFilter(c.program, d);
        if (got != want && ++mismatches <= 5) {
          FAIL_CHECK("profile " << n << (arch == SCMP_ARCH_X86 ? " i386" : " x86_64") << " read(" << args[0] << ", "
                                << args[1] << "): libseccomp's BPF " << got << ", the policy " << want);
        }
      }
    }
  }
  std::printf("rule tree: %zu points compared, %zu ambiguous, %zu mismatches, %zu profiles refused\n", compared,
              ambiguous, mismatches, refused);
  CHECK(mismatches == 0);
  CHECK(ambiguous == 0);
  CHECK(compared > 40000);
}

}  // namespace profilegen::validator

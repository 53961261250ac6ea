#pragma once
// Seeded random Docker-format profiles for the tests that compare the compiled program with a real loader: the
// kernel (kernel_oracle_test.cpp) and the filters runc and crun install (engine_random_test.cpp). Every action
// but NOTIFY, errno values up to 4094, x86_64 with or without i386, every operator, repeated argument indexes.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "profile/effective.h"
#include "profile/model.h"

namespace profilegen::validator::testing {

inline const std::vector<std::string>& NamePool() {
  static const std::vector<std::string> pool{"getpid",     "getppid", "getuid",      "read",   "write",  "close",
                                             "dup",        "ioctl",   "prctl",       "fcntl",  "socket", "bind",
                                             "connect",    "lseek",   "personality", "semop",  "shmat",  "msgsnd",
                                             "socketcall", "ipc",     "umask",       "setuid", "clone",  "mmap"};
  return pool;
}

inline const std::vector<uint64_t>& ValuePool() {
  static const std::vector<uint64_t> pool{
      0, 1, 2, 3, 10, 16, 0x80, 0xff, 0x7fffffff, 0xffffffff, 1ULL << 32, (1ULL << 32) + 1, ~0ULL};
  return pool;
}

inline profile::Verdict RandomVerdict(std::mt19937_64& rng, bool for_default) {
  using profile::Action;
  const int k = static_cast<int>(rng() % 20);
  profile::Verdict v;
  if (k < 7) {
    v.action = Action::kErrno;
    v.errno_ret = rng() % 4 == 0 ? rng() % 4095 : 1 + rng() % 40;
  } else if (k < 12) {
    v.action = for_default ? Action::kErrno : Action::kAllow;
    v.errno_ret = for_default ? 38 : 0;
  } else if (k < 14) {
    v.action = Action::kTrap;
  } else if (k < 15) {
    v.action = Action::kKillProcess;
  } else if (k < 16) {
    v.action = Action::kKillThread;
  } else if (k < 18) {
    v.action = Action::kLog;
  } else {
    v.action = Action::kTrace;
    v.errno_ret = rng() % 200;
  }
  return v;
}

/// A profile of 1 to 6 entries naming syscalls from `names`.
inline profile::Profile RandomProfile(std::mt19937_64& rng, bool with_i386,
                                      const std::vector<std::string>& names = NamePool()) {
  using profile::Action;
  profile::Profile p;
  const profile::Verdict d = RandomVerdict(rng, true);
  p.default_action = d.action;
  if (profile::ActionTakesErrno(d.action)) p.default_errno_ret = d.errno_ret;
  p.architectures = {"SCMP_ARCH_X86_64"};
  if (with_i386 && rng() % 3 != 0) p.architectures.push_back("SCMP_ARCH_X86");
  const size_t entries = 1 + rng() % 6;
  for (size_t e = 0; e < entries; ++e) {
    profile::Rule r;
    const size_t count = 1 + rng() % 3;
    for (size_t n = 0; n < count; ++n) r.names.push_back(names[rng() % names.size()]);
    const profile::Verdict v = RandomVerdict(rng, false);
    r.action = v.action;
    if (profile::ActionTakesErrno(v.action)) r.errno_ret = v.errno_ret;
    const size_t conds = rng() % 4 == 0 ? 0 : rng() % 3;
    for (size_t c = 0; c < conds; ++c) {
      profile::ArgCondition a;
      a.index = static_cast<uint32_t>(rng() % 3 == 0 ? rng() % 6 : rng() % 2);
      a.op = static_cast<profile::Op>(rng() % 7);
      a.value = ValuePool()[rng() % ValuePool().size()];
      a.value_two = a.op == profile::Op::kMaskedEq ? (a.value & ValuePool()[rng() % ValuePool().size()]) : 0;
      r.args.push_back(a);
    }
    p.syscalls.push_back(std::move(r));
  }
  return p;
}

}  // namespace profilegen::validator::testing

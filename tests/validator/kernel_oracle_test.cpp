// The kernel as the oracle for the core's effective policy
// (profile/effective.h): thousands of seeded random profiles are compiled
// (validator/compile.h), loaded in a traced child under a stacked probe filter
// that returns SECCOMP_RET_TRACE for every call, and the child makes calls at
// many (arch, nr, args) points:
//   - the profile lets the call through (ALLOW, LOG): the probe's TRACE wins, a
//   seccomp stop with the probe's
//     data; the tracer skips the call, so nothing runs;
//   - TRACE(d) in the profile: a seccomp stop with d (the profile is the newer
//   filter: it wins the tie);
//   - ERRNO(e): no stop, the call returns -e; TRAP: SIGSYS reaches the tracer;
//   KILL: the child dies of SIGSYS.
// Each observation is compared with PolicyVerdict at the same point, i386 (int
// 0x80, socketcall, ipc) included.
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "profile/effective.h"
#include "profile/parse.h"
#include "profile/rule_effect.h"
#include "profile/writer.h"
#include "tests/support/abi.h"
#include "tests/support/skip.h"
#include "tests/validator/random_profile.h"
#include "validator/bpf.h"
#include "validator/compile.h"

namespace profilegen::validator {
namespace {

using testing::NamePool;
using testing::RandomProfile;
using testing::ValuePool;

#if defined(__x86_64__)

constexpr uint32_t kProbeData = 0x7fff;  // the probe filter's SECCOMP_RET_TRACE data
constexpr size_t kMaxPoints = 64;

struct Point {
  bool i386 = false;
  int32_t nr = 0;
  uint64_t args[6] = {};
  std::string name;  // for PolicyVerdict
};

// The call audit shows for a rule that does not do what it says (profile/rule_effect.h), as a point.
Point EffectPoint(sys::ArchToken arch, const std::string& name, const profile::RuleEffect& e) {
  Point pt;
  pt.i386 = arch == SCMP_ARCH_X86;
  pt.nr = static_cast<int32_t>(sys::Resolve(arch, name).nr);
  pt.name = name;
  for (int k = 0; k < 6; ++k) pt.args[k] = (*e.call)[k];
  return pt;
}

// Shared with the forked child by copy: it reads them, the tracer reads
// g_results and g_index back.
Point g_points[kMaxPoints];
long g_results[kMaxPoints];
volatile size_t g_index = 0;
volatile long g_install = 0;

inline void Breakpoint() { asm volatile("int3" ::: "memory"); }

long Raw64(long nr, const uint64_t* a) {
  long ret;
  register uint64_t r10 asm("r10") = a[3];
  register uint64_t r8 asm("r8") = a[4];
  register uint64_t r9 asm("r9") = a[5];
  asm volatile("syscall"
               : "=a"(ret)
               : "a"(nr), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8), "r"(r9)
               : "rcx", "r11", "memory");
  return ret;
}

// An i386 call from this 64-bit process: int 0x80 reads ebx, ecx, edx, esi,
// edi, ebp.
long Raw32(long nr, const uint64_t* a) {
  long ret;
  const uint32_t a5 = static_cast<uint32_t>(a[5]);
  asm volatile(
      "lea -128(%%rsp), %%rsp\n\t"  // keep out of the red zone
      "push %%rbp\n\t"
      "mov %k7, %%ebp\n\t"
      "int $0x80\n\t"
      "pop %%rbp\n\t"
      "lea 128(%%rsp), %%rsp"
      : "=a"(ret)
      : "a"(nr), "b"(static_cast<uint32_t>(a[0])), "c"(static_cast<uint32_t>(a[1])), "d"(static_cast<uint32_t>(a[2])),
        "S"(static_cast<uint32_t>(a[3])), "D"(static_cast<uint32_t>(a[4])), "r"(a5)
      : "memory", "r8", "r9", "r10",
        "r11");  // int 0x80 from 64-bit code zeroes r8-r11
  return static_cast<int32_t>(ret);
}

// The child: only memory writes and the calls under test once the filters are
// in place.
[[noreturn]] void Child(const sock_fprog* probe, const sock_fprog* profile, size_t from, size_t count) {
  if (::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr) != 0) ::_exit(120);
  ::raise(SIGSTOP);
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) ::_exit(121);
  if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, probe) != 0) ::_exit(122);
  g_install = ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, profile) == 0 ? 0 : -errno;
  g_index = from;
  Breakpoint();  // begin
  for (size_t i = from; i < count; ++i) {
    g_index = i;
    Breakpoint();
    const Point& p = g_points[i];
    g_results[i] = p.i386 ? Raw32(p.nr, p.args) : Raw64(p.nr, p.args);
  }
  g_index = count;
  Breakpoint();  // done
  for (;;) Breakpoint();
}

enum class Seen { kNone, kPass, kTrace, kErrno, kTrap, kKill };
struct Observation {
  Seen seen = Seen::kNone;
  uint64_t data = 0;
};

long Peek(pid_t pid, const volatile void* addr) {
  errno = 0;
  return ::ptrace(PTRACE_PEEKDATA, pid, const_cast<void*>(addr), nullptr);
}

// Runs points [from, count) in one child; returns the index after the last
// observed point (count when the child finished, the killed point + 1 when a
// KILL ended it), or SIZE_MAX when the filter could not be installed.
size_t RunChild(const sock_fprog* probe, const sock_fprog* profile, size_t from, size_t count,
                std::vector<Observation>& obs) {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) Child(probe, profile, from, count);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFSTOPPED(status));
  REQUIRE(::ptrace(PTRACE_SETOPTIONS, pid, nullptr, PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL) == 0);
  bool begun = false;
  size_t current = from;
  int deliver = 0;
  for (;;) {
    REQUIRE(::ptrace(PTRACE_CONT, pid, nullptr, deliver) == 0);
    deliver = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    if (WIFSIGNALED(status)) {
      REQUIRE(begun);
      REQUIRE(WTERMSIG(status) == SIGSYS);
      obs[current].seen = Seen::kKill;
      return current + 1;
    }
    REQUIRE(WIFSTOPPED(status));
    const int sig = WSTOPSIG(status);
    if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
      unsigned long msg = 0;
      REQUIRE(::ptrace(PTRACE_GETEVENTMSG, pid, nullptr, &msg) == 0);
      if (!begun) continue;  // the profile's own installation: let it run
      obs[current].seen = msg == kProbeData ? Seen::kPass : Seen::kTrace;
      obs[current].data = msg;
      user_regs_struct regs{};
      REQUIRE(::ptrace(PTRACE_GETREGS, pid, nullptr, &regs) == 0);
      regs.orig_rax = static_cast<unsigned long long>(-1);  // skip the call: nothing runs
      REQUIRE(::ptrace(PTRACE_SETREGS, pid, nullptr, &regs) == 0);
      continue;
    }
    if (sig == SIGTRAP) {
      const long idx = Peek(pid, &g_index);
      REQUIRE(errno == 0);
      if (!begun) {
        begun = true;
        if (Peek(pid, &g_install) != 0) {
          ::kill(pid, SIGKILL);
          ::waitpid(pid, &status, 0);
          return SIZE_MAX;
        }
      }
      // Every earlier point that stopped nothing returned: an ERRNO (read now,
      // a later KILL ends the child).
      for (size_t i = from; i < static_cast<size_t>(idx) && i < count; ++i) {
        if (obs[i].seen != Seen::kNone) continue;
        const long r = Peek(pid, &g_results[i]);
        obs[i].seen = Seen::kErrno;
        obs[i].data = static_cast<uint64_t>(-r);
      }
      current = static_cast<size_t>(idx);
      if (current >= count) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        return count;
      }
      continue;
    }
    if (sig == SIGSYS) {  // SECCOMP_RET_TRAP: suppress the signal, note it
      siginfo_t si{};
      REQUIRE(::ptrace(PTRACE_GETSIGINFO, pid, nullptr, &si) == 0);
      obs[current].seen = Seen::kTrap;
      obs[current].data = static_cast<uint64_t>(si.si_errno);
      continue;
    }
    deliver = sig;  // anything else goes to the child
  }
}

// Observes every point under `probe` stacked on `c`'s program, in as many children as KILLs end early.
std::vector<Observation> ObserveAll(const sock_fprog* probe, Compiled& c, const std::vector<Point>& points) {
  for (size_t i = 0; i < points.size(); ++i) g_points[i] = points[i];
  sock_fprog prog{static_cast<unsigned short>(c.program.size()), c.program.data()};
  std::vector<Observation> obs(points.size());
  size_t from = 0;
  while (from < points.size()) {
    const size_t next = RunChild(probe, &prog, from, points.size(), obs);
    REQUIRE(next != SIZE_MAX);  // the kernel refused a filter libseccomp built
    from = next;
  }
  return obs;
}

// What the kernel shows for a verdict.
Observation Expected(const profile::Verdict& v) {
  using profile::Action;
  switch (v.action) {
    case Action::kAllow:
    case Action::kLog: return {Seen::kPass, kProbeData};
    case Action::kTrace: return {Seen::kTrace, v.errno_ret};
    case Action::kErrno: return {Seen::kErrno, std::min<uint64_t>(v.errno_ret, 4095)};
    case Action::kTrap: return {Seen::kTrap, 0};
    case Action::kKillThread:
    case Action::kKillProcess: return {Seen::kKill, 0};
    case Action::kNotify: break;
  }
  return {};
}

bool Same(const Observation& a, const Observation& b) {
  return a.seen == b.seen && (a.seen == Seen::kTrap || a.seen == Seen::kKill || a.data == b.data);
}

// A SECCOMP_RET_* value as a verdict.
profile::Verdict VerdictOf(uint32_t ret) {
  using profile::Action;
  const uint32_t data = ret & SECCOMP_RET_DATA;
  switch (ret & SECCOMP_RET_ACTION_FULL) {
    case SECCOMP_RET_ALLOW: return {Action::kAllow, 0};
    case SECCOMP_RET_LOG: return {Action::kLog, 0};
    case SECCOMP_RET_TRACE: return {Action::kTrace, data};
    case SECCOMP_RET_ERRNO: return {Action::kErrno, data};
    case SECCOMP_RET_TRAP: return {Action::kTrap, 0};
    case SECCOMP_RET_KILL_PROCESS: return {Action::kKillProcess, 0};
    default: return {Action::kKillThread, 0};
  }
}

const char* SeenName(Seen s) {
  switch (s) {
    case Seen::kNone: return "nothing";
    case Seen::kPass: return "pass";
    case Seen::kTrace: return "trace";
    case Seen::kErrno: return "errno";
    case Seen::kTrap: return "trap";
    case Seen::kKill: return "kill";
  }
  return "?";
}

std::vector<Point> PointsFor(const profile::Profile& p, std::mt19937_64& rng, bool with_i386) {
  std::vector<Point> points;
  std::vector<std::string> names;
  for (const auto& r : p.syscalls) names.insert(names.end(), r.names.begin(), r.names.end());
  for (int i = 0; i < 3; ++i) names.push_back(NamePool()[rng() % NamePool().size()]);
  std::vector<uint64_t> values;
  for (const auto& r : p.syscalls) {
    for (const auto& a : r.args) {
      for (uint64_t v : {a.value, a.value + 1, a.value - 1, a.value_two}) values.push_back(v);
    }
  }
  for (int i = 0; i < 4; ++i) values.push_back(ValuePool()[rng() % ValuePool().size()]);
  for (const sys::ArchToken arch : {sys::ArchToken{SCMP_ARCH_X86_64}, sys::ArchToken{SCMP_ARCH_X86}}) {
    if (arch == SCMP_ARCH_X86 && !with_i386) continue;
    for (const auto& name : names) {
      const auto res = sys::Resolve(arch, name);
      if (res.status != sys::NameStatus::kPresent) continue;
      for (int k = 0; k < 3 && points.size() < kMaxPoints; ++k) {
        Point pt;
        pt.i386 = arch == SCMP_ARCH_X86;
        pt.nr = static_cast<int32_t>(res.nr);
        pt.name = name;
        for (auto& a : pt.args) a = values[rng() % values.size()];
        if (name == "socketcall" || name == "ipc") pt.args[0] = rng() % 25;  // the call number
        if (pt.i386) {
          for (auto& a : pt.args) a &= 0xffffffffu;  // the kernel passes 32-bit registers
        }
        points.push_back(pt);
      }
    }
  }
  if (points.size() > kMaxPoints) points.resize(kMaxPoints);
  return points;
}

#endif  // __x86_64__

}  // namespace

TEST_CASE(
    "the kernel agrees with the effective policy on thousands of random "
    "profiles",
    "[validator][ptrace]") {
#if !defined(__x86_64__)
  support::Skip("kernel oracle", "it drives x86_64 and i386 calls only");
  return;
#else
  const bool i386 = support::detail::Int80Works();  // tests/support/abi.h
  if (!i386) support::Skip("kernel oracle, i386 points", "this kernel runs no i386 calls (IA-32 emulation off)");
  sock_filter probe_insn[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | kProbeData)};
  sock_fprog probe{1, probe_insn};

  const int kProfiles =
      std::getenv("PROFILEGEN_ORACLE_PROFILES") ? std::atoi(std::getenv("PROFILEGEN_ORACLE_PROFILES")) : 1000;
  std::mt19937_64 rng(20261129);
  size_t interpreter_mismatches = 0;
  size_t compared = 0, ambiguous = 0, refused = 0, mismatches = 0, profiles_run = 0, i386_points = 0;
  size_t effect_points = 0;  // calls chosen by RuleEffects
  for (int n = 0; n < kProfiles; ++n) {
    const profile::Profile p = RandomProfile(rng, i386);
    CompileOptions o;
    o.target.arch = SCMP_ARCH_X86_64;
    o.target.caps = profile::DefaultCaps();
    o.runtime = Runtime::kCrun;  // no ENOSYS stub: the effective policy is the
                                 // whole filter
    Compiled c = Compile(p, o);
    if (!c.ok()) {
      ++refused;  // libseccomp refused a rule (EEXIST): runc would fail too
      continue;
    }
    const profile::EffectivePolicy policy = profile::Evaluate(p, o.target);
    std::vector<Point> points = PointsFor(p, rng, i386);
    if (points.size() > kMaxPoints - 16) points.resize(kMaxPoints - 16);  // room for the rule-effect calls
    // The calls audit shows for rules that do not do what they say (profile/rule_effect.h): where overlapping
    // rules meet, so the tree model is asked exactly there.
    for (const auto& [arch, ap] : policy.arches) {
      if (arch == SCMP_ARCH_X86 && !i386) continue;
      for (const auto& [name, sp] : ap.syscalls) {
        for (const profile::RuleEffect& e : profile::RuleEffects(policy, arch, name)) {
          if (!e.call || points.size() >= kMaxPoints) continue;
          points.push_back(EffectPoint(arch, name, e));
          ++effect_points;
        }
      }
    }
    const std::vector<Observation> obs = ObserveAll(&probe, c, points);
    ++profiles_run;
    for (size_t i = 0; i < points.size(); ++i) {
      const Point& pt = points[i];
      bool amb = false;
      const profile::Verdict v =
          profile::PolicyVerdict(policy, pt.i386 ? SCMP_ARCH_X86 : SCMP_ARCH_X86_64, pt.name, pt.args, &amb);
      if (amb) {
        ++ambiguous;
        continue;
      }
      // The project's BPF interpreter on the same program and point, as a
      // second witness.
      SeccompData d;
      d.arch = AuditArch(pt.i386 ? SCMP_ARCH_X86 : SCMP_ARCH_X86_64);
      d.nr = pt.nr;
      for (int k = 0; k < 6; ++k) d.args[k] = pt.args[k];
      const uint32_t bpf = RunFilter(c.program, d);
      const Observation by_bpf = Expected(VerdictOf(bpf));
      if (!Same(by_bpf, obs[i]) && ++interpreter_mismatches <= 5) {
        FAIL_CHECK("profile " << n << ": the BPF interpreter says " << SeenName(by_bpf.seen) << "(" << by_bpf.data
                              << "), the kernel " << SeenName(obs[i].seen) << "(" << obs[i].data << ") for "
                              << (pt.i386 ? "i386 " : "x86_64 ") << pt.name);
      }
      const Observation want = Expected(v);
      const bool same = Same(want, obs[i]);
      ++compared;
      i386_points += pt.i386 ? 1 : 0;
      if (!same && ++mismatches <= 10) {
        std::string args;
        for (uint64_t a : pt.args) args += " " + std::to_string(a);
        WARN("libseccomp deviation, profile " << n << ": " << (pt.i386 ? "i386 " : "x86_64 ") << pt.name << " (" << pt.nr << ") args"
                              << args << ": kernel " << SeenName(obs[i].seen) << "(" << obs[i].data << "), policy "
                              << v.ToString() << "\n"
                              << (mismatches <= 4 ? profile::WriteProfile(p) : std::string()));
      }
    }
  }
  std::printf(
      "kernel oracle: %zu profiles run (%zu refused by libseccomp), "
      "%zu points compared (%zu i386), "
      "%zu ambiguous skipped, %zu policy mismatches, %zu interpreter "
      "mismatches; %zu points chosen by the rule effects of audit\n",
      profiles_run, refused, compared, i386_points, ambiguous, mismatches, interpreter_mismatches, effect_points);
  CHECK(interpreter_mismatches == 0);
  // The kernel and the interpreter always agree on the compiled program, and the policy models what libseccomp
  // 2.5.4 builds (profile/libseccomp_tree.h: its rule tree, same-argument rules, i386 multiplexing, the entry
  // order): no point may differ. Points whose answer depends on libseccomp's block layout (an accumulator reload
  // after a sub-level) are counted as ambiguous above, not compared.
  CHECK(mismatches == 0);
  CHECK(compared > 10 * static_cast<size_t>(kProfiles) / 2);
#endif
}


TEST_CASE("the kernel does what the rule effects audit reports say: the named winner decides", "[validator][ptrace]") {
#if !defined(__x86_64__)
  support::Skip("rule effects oracle", "it drives x86_64 and i386 calls only");
  return;
#else
  const bool i386 = support::detail::Int80Works();
  if (!i386) support::Skip("rule effects oracle, i386 profile", "this kernel runs no i386 calls (IA-32 emulation off)");
  sock_filter probe_insn[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | kProbeData)};
  sock_fprog probe{1, probe_insn};
  auto eq = [](int index, uint64_t value) {
    return R"({"index": )" + std::to_string(index) + R"(, "value": )" + std::to_string(value) + R"(, "op": "SCMP_CMP_EQ"})";
  };
  const std::string x86 = R"(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"])";
  struct Case {
    std::string syscalls, arches;
    bool needs_i386;
  };
  // The profiles of tests/review/rule_effect_test.cpp, and two more overlaps.
  const std::vector<Case> cases = {
      {R"({"names": ["read"], "action": "SCMP_ACT_TRAP", "args": [)" + eq(0, 1) + R"(]},
          {"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [)" + eq(0, 1) + "," + eq(1, 2) + "]}",
       R"(["SCMP_ARCH_X86_64"])", false},
      {R"({"names": ["getpid"], "action": "SCMP_ACT_ALLOW", "args": [)" + eq(0, 1) + R"(]},
          {"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "args": [)" + eq(0, 1) + "," + eq(1, 2) + "]}",
       x86, true},
      {R"({"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 7, "args": [)" + eq(0, 7) + R"(]},
          {"names": ["getppid"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 5, "op": "SCMP_CMP_GE"}]})",
       x86, true},
      {R"({"names": ["getuid"], "action": "SCMP_ACT_ALLOW", "args": [)" + eq(0, 1) + R"(]},
          {"names": ["getuid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 9, "args": [)" + eq(1, 2) + "]}",
       R"(["SCMP_ARCH_X86_64"])", false},
      {R"({"names": ["getgid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 5,
           "args": [{"index": 0, "value": 0, "valueTwo": 8, "op": "SCMP_CMP_MASKED_EQ"}]})",
       R"(["SCMP_ARCH_X86_64"])", false},
      {R"({"names": ["socket"], "action": "SCMP_ACT_ERRNO", "errnoRet": 11, "args": [)" + eq(0, 1) + "]}", x86, true},
  };
  size_t checked = 0;
  for (const Case& k : cases) {
    if (k.needs_i386 && !i386) continue;
    const std::string text =
        R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "architectures": )" + k.arches +
        R"(, "syscalls": [)" + k.syscalls + "]}";
    INFO(text);
    const profile::ParseResult parsed = profile::ParseProfile(text);
    CompileOptions o;
    o.target.arch = SCMP_ARCH_X86_64;
    o.target.caps = profile::DefaultCaps();
    o.runtime = Runtime::kCrun;  // no ENOSYS stub
    Compiled c = Compile(parsed.profile, o);
    REQUIRE(c.ok());
    const profile::EffectivePolicy policy = profile::Evaluate(parsed.profile, o.target);
    std::vector<Point> points;
    std::vector<profile::RuleEffect> effects;
    for (const auto& [arch, ap] : policy.arches) {
      for (const auto& [name, sp] : ap.syscalls) {
        for (const profile::RuleEffect& e : profile::RuleEffects(policy, arch, name)) {
          if (!e.call) continue;
          points.push_back(EffectPoint(arch, name, e));
          effects.push_back(e);
        }
      }
    }
    REQUIRE_FALSE(effects.empty());  // every case is one the audit reports
    REQUIRE(points.size() <= kMaxPoints);
    const std::vector<Observation> obs = ObserveAll(&probe, c, points);
    for (size_t i = 0; i < points.size(); ++i) {
      const profile::RuleEffect& e = effects[i];
      INFO(profile::RuleFateName(e.fate) << " rule " << e.index << " of " << (points[i].i386 ? "i386 " : "x86_64 ")
                                         << e.syscall << ": reported " << e.real.ToString() << ", kernel "
                                         << SeenName(obs[i].seen) << "(" << obs[i].data << ")");
      CHECK(Same(Expected(e.real), obs[i]));
      // The winner the report names gives that verdict (or, with no winner, the default action does).
      const profile::SyscallPolicy& sp = policy.arches.at(points[i].i386 ? SCMP_ARCH_X86 : SCMP_ARCH_X86_64)
                                             .syscalls.at(e.syscall);
      const profile::Verdict named = e.winner ? sp.added[*e.winner].verdict : policy.default_verdict;
      CHECK(Same(Expected(named), obs[i]));
      // A dropped or overridden rule: the kernel does not do what its text says at that call.
      if (e.fate == profile::RuleFate::kDropped || e.fate == profile::RuleFate::kOverridden) {
        if (e.real != e.rule.verdict) CHECK_FALSE(Same(Expected(e.rule.verdict), obs[i]));
      }
      ++checked;
    }
  }
  std::printf("rule effects oracle: %zu reported calls checked against the kernel\n", checked);
  CHECK(checked >= 5);
#endif
}

}  // namespace profilegen::validator

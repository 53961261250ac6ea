#include "generator/generate.h"
#include "generator/load_traces.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include "base/atomic_file.h"
#include "base/error.h"
#include "generator/probes.h"
#include "profile/parse.h"
#include "profile/writer.h"
#include "syscalls/syscalls.h"
#include "tests/generator/helpers.h"

using namespace profilegen;
using namespace profilegen::testing;
using generator::ArgPolicy;
using generator::GenerateOptions;
using generator::Runtime;
using profile::Action;
using profile::Op;

namespace {

generator::GenerateResult Gen(const std::vector<std::string>& fixtures, GenerateOptions options = {}) {
  std::vector<std::string> paths;
  for (const auto& f : fixtures) paths.push_back(Fixture(f));
  return generator::Generate(generator::LoadAndMergeTraces(paths), options);
}

GenerateOptions Plain() {  // a plain program: no runtime layer
  GenerateOptions o;
  o.runtime = Runtime::kNone;
  return o;
}

bool AnyWarning(const generator::GenerateResult& r, const std::string& needle) {
  return std::any_of(r.warnings.begin(), r.warnings.end(), [&](const std::string& w) { return Contains(w, needle); });
}

std::string TempDir() {
  auto dir = std::filesystem::temp_directory_path() / ("profilegen-gen-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace

TEST_CASE("generate: byte-identical output whatever the order of the traces", "[generate]") {
  std::vector<std::string> files = {"run1.json", "run2.json", "clone3.json", "namespaces.json", "overflow.json"};
  for (ArgPolicy policy : {ArgPolicy::kNone, ArgPolicy::kGuard, ArgPolicy::kStrict}) {
    GenerateOptions o;
    o.args = policy;
    o.extra_arches = {sys::ArchByNativeName("arm64")->token};
    const std::string expected = profile::WriteProfile(Gen(files, o).profile);
    std::mt19937 rng(42);
    for (int i = 0; i < 6; ++i) {
      std::shuffle(files.begin(), files.end(), rng);
      CHECK(profile::WriteProfile(Gen(files, o).profile) == expected);
    }
  }
}

TEST_CASE("generate: canonical text: key order, 4-space indent, final newline, sorted names", "[generate]") {
  const std::string text = profile::WriteProfile(Gen({"run1.json", "run2.json"}).profile);
  REQUIRE(text.back() == '\n');
  CHECK(text.rfind("{\n    \"defaultAction\": \"SCMP_ACT_ERRNO\",\n    \"defaultErrnoRet\": 1,\n    \"archMap\": [",
                   0) == 0);
  CHECK(text.find("\"archMap\"") < text.find("\"syscalls\""));
  auto p = Gen({"run1.json", "run2.json"}).profile;
  for (const auto& r : p.syscalls) {
    CHECK(std::is_sorted(r.names.begin(), r.names.end()));
    CHECK(std::adjacent_find(r.names.begin(), r.names.end()) == r.names.end());
  }
}

TEST_CASE("generate: minimal: one unconditional ALLOW entry, no duplicates, nothing equal to the default",
          "[generate]") {
  for (ArgPolicy policy : {ArgPolicy::kNone, ArgPolicy::kGuard, ArgPolicy::kStrict}) {
    for (Runtime rt : {Runtime::kNone, Runtime::kRunc, Runtime::kCrun}) {
      GenerateOptions o;
      o.args = policy;
      o.runtime = rt;
      auto p = Gen({"run1.json", "run2.json", "namespaces.json"}, o).profile;
      CHECK(UnconditionalAllows(p).size() == 1);
      std::set<std::string> unconditional(UnconditionalAllows(p)[0]->names.begin(),
                                          UnconditionalAllows(p)[0]->names.end());
      // A name is in one entry per distinct condition: unconditional names nowhere else.
      std::set<std::pair<std::string, std::vector<profile::ArgCondition>>> seen;
      for (const auto& r : p.syscalls) {
        CHECK_FALSE(r.comment.empty());
        CHECK_FALSE((r.action == Action::kErrno && r.errno_ret.value_or(1) == 1));
        CHECK(r.args.size() <= 1);  // single conditions: the same meaning to every loader
        for (const auto& n : r.names) {
          INFO(n);
          CHECK(seen.insert({n, r.args}).second);
          if (&r != UnconditionalAllows(p)[0]) CHECK_FALSE(unconditional.count(n));
        }
      }
    }
  }
}

TEST_CASE("generate: only what the program did, plus the runtime layer", "[generate]") {
  auto p = Gen({"run1.json"}, Plain()).profile;
  const auto* allow = UnconditionalAllows(p)[0];
  for (const char* n : {"read", "write", "close", "openat", "mmap", "brk", "exit_group", "execve", "arch_prctl"})
    CHECK(HasName(*allow, n));
  // Container setup calls and anything not observed stay at the default.
  for (const char* n : {"mount", "pivot_root", "umount2", "sethostname", "setns", "unshare", "capset", "ptrace"}) {
    INFO(n);
    CHECK(RulesFor(p, n).empty());
  }
}

TEST_CASE("generate: comments say where each name came from", "[generate]") {
  auto p = Gen({"run1.json", "run2.json"}, Plain()).profile;
  const std::string& c = UnconditionalAllows(p)[0]->comment;
  INFO(c);
  CHECK(Contains(c, "observed in 2/2 runs, first by /usr/bin/app: execve exit_group ioctl read write;"));
  CHECK(Contains(c, "observed in 1/2 runs, first by /usr/bin/app: access arch_prctl brk close"));
  CHECK(Contains(c, "observed on SCMP_ARCH_X86 in 1/2 runs, first by /usr/bin/app32: exit_group write"));
  auto sockets = RulesFor(p, "socket");
  REQUIRE(sockets.size() == 3);
  // The merged provenance keeps the smallest executable name: /bin/sh from run2.
  CHECK(sockets[0]->comment ==
        "socket: observed in 2/2 runs, first by /bin/sh; guard: domain (arg 0) is 1 (AF_UNIX), one of 3 observed "
        "values; on SCMP_ARCH_X86 calls made through socketcall cannot be argument-checked");
  CHECK(Contains(sockets[1]->comment, "domain (arg 0) is 2 (AF_INET), one of 3"));
  CHECK(Contains(sockets[2]->comment, "domain (arg 0) is 10 (AF_INET6), one of 3"));

  auto runc = Gen({"run1.json"}).profile;
  CHECK(Contains(UnconditionalAllows(runc)[0]->comment,
                 "runtime layer runc 1.1.5 (no-new-privileges=false): capget capset chdir"));
}

TEST_CASE("generate: runtime layer contents", "[generate][runtime]") {
  auto names = [](Runtime rt, bool nnp) {
    GenerateOptions o;
    o.runtime = rt;
    o.no_new_privileges = nnp;
    auto p = Gen({"unnamed.json"}, o).profile;  // the app only reads: everything else is the layer
    const auto* allow = UnconditionalAllows(p)[0];
    std::set<std::string> s(allow->names.begin(), allow->names.end());
    s.erase("read");
    return std::make_pair(s, allow->comment);
  };
  const std::set<std::string> runc_nnp = {"close",       "execve",      "fstatfs",        "futex",
                                          "getdents64",  "openat",      "rt_sigreturn",   "write",
                                          "epoll_ctl",   "epoll_pwait", "getpid",         "nanosleep",
                                          "sched_yield", "prctl",       "gettid",         "mmap",
                                          "munmap",      "rseq",        "rt_sigprocmask", "set_robust_list",
                                          "sigaltstack"};  // + clone3, which answers ENOSYS under the guard
  std::set<std::string> runc_default = runc_nnp;
  for (const char* n : {"capget", "capset", "chdir", "getcwd", "setuid", "setgid", "setgroups", "prctl", "read",
                        "fstat", "newfstatat", "faccessat2", "getppid", "mmap", "fcntl"})
    runc_default.insert(n);
  runc_default.erase("read");
  const std::set<std::string> crun_nnp = {"execve"};
  const std::set<std::string> crun_default = {"execve",       "capset",         "prctl",    "setresuid", "setresgid",
                                              "rt_sigaction", "rt_sigprocmask", "pselect6", "write"};

  CHECK(names(Runtime::kRunc, true).first == runc_nnp);
  CHECK(names(Runtime::kRunc, false).first == runc_default);
  CHECK(names(Runtime::kCrun, true).first == crun_nnp);
  CHECK(names(Runtime::kCrun, false).first == crun_default);
  CHECK(names(Runtime::kNone, false).first.empty());
  CHECK(Contains(names(Runtime::kRunc, false).second, "runtime layer runc 1.1.5 (no-new-privileges=false)"));
  CHECK(Contains(names(Runtime::kRunc, true).second, "runtime layer runc 1.1.5 (no-new-privileges=true)"));
  CHECK(Contains(names(Runtime::kCrun, true).second, "runtime layer crun 1.8.1 (no-new-privileges=true)"));

  // The runc layer lists clone3, but under the clone guard it answers ENOSYS (see the clone3 tests).
  CHECK(Contains(names(Runtime::kRunc, false).second, "its clone3 answers ENOSYS under the clone guard"));
  CHECK_FALSE(Contains(names(Runtime::kRunc, false).second, "clone3 close"));
  // A layer name the program also made is allowed once, unconditionally, under the guard; under --args strict
  // prctl is guarded by the runtime's measured values (tests/generator/strict_layer_test.cpp).
  auto g = Gen({"run1.json"}).profile;
  CHECK(HasName(*UnconditionalAllows(g)[0], "prctl"));
  CHECK(RulesFor(g, "prctl").size() == 1);

  auto none = Gen({"run1.json"}, Plain());
  CHECK(none.warnings.empty());
  GenerateOptions nnp_none = Plain();
  nnp_none.no_new_privileges = true;
  CHECK(AnyWarning(Gen({"run1.json"}, nnp_none), "--no-new-privileges has no effect with --runtime none"));
}

TEST_CASE("generate: ENOSYS probes for what was not observed", "[generate][probes]") {
  auto p = Gen({"run1.json", "run2.json"}, Plain()).profile;
  std::vector<const profile::Rule*> enosys;
  for (const auto& r : p.syscalls)
    if (r.action == Action::kErrno) enosys.push_back(&r);
  REQUIRE(enosys.size() == 1);  // probes and clone3-under-the-guard share one entry
  const auto& r = *enosys[0];
  CHECK(r.errno_ret == 38u);
  for (const char* n :
       {"clone3", "faccessat2", "close_range", "openat2", "statx", "rseq", "epoll_pwait2", "pidfd_open"}) {
    INFO(n);
    CHECK(HasName(r, n));
  }
  CHECK_FALSE(HasName(r, "getrandom"));  // observed in run2: allowed instead
  CHECK(HasName(*UnconditionalAllows(p)[0], "getrandom"));
  CHECK_FALSE(HasName(r, "futex_waitv"));
  CHECK_FALSE(HasName(r, "membarrier"));
  CHECK(Contains(r.comment, "ENOSYS probes, not observed"));

  // The runtime layer's faccessat2 and rseq are allowed, not probed.
  auto runc = Gen({"run1.json"}).profile;
  CHECK(HasName(*UnconditionalAllows(runc)[0], "faccessat2"));
  CHECK(RulesFor(runc, "faccessat2").size() == 1);
  CHECK(RulesFor(runc, "rseq").size() == 1);

  // Every probe has a reason and a name libseccomp knows.
  for (const auto& probe : generator::EnosysProbes()) {
    INFO(probe.name);
    CHECK(sys::IsKnownName(probe.name));
    CHECK(probe.reason.size() > 40);
  }

  // With ENOSYS as the default errno the probes would equal the default: none written.
  GenerateOptions o = Plain();
  o.errno_ret = 38;
  auto q = Gen({"run1.json"}, o).profile;
  for (const auto& rule : q.syscalls) CHECK(rule.action != Action::kErrno);
  // With another default action they stay.
  o.default_action = Action::kKillProcess;
  o.errno_ret.reset();
  auto k = Gen({"run1.json"}, o).profile;
  REQUIRE(RuleFor(k, "statx"));
  CHECK(RuleFor(k, "statx")->action == Action::kErrno);
}

TEST_CASE("generate: clone guard as Docker's, clone3 answers ENOSYS", "[generate][guards]") {
  auto p = Gen({"run1.json"}, Plain()).profile;
  const auto* clone = RuleFor(p, "clone");
  REQUIRE(clone);
  REQUIRE(clone->args.size() == 1);
  CHECK(clone->args[0].index == 0);
  CHECK(clone->args[0].op == Op::kMaskedEq);
  CHECK(clone->args[0].value == 0x7E020000u);
  CHECK(clone->args[0].value_two == 0u);
  CHECK(clone->names == std::vector<std::string>{"clone"});
  const auto* clone3 = RuleFor(p, "clone3");
  REQUIRE(clone3);
  CHECK(clone3->action == Action::kErrno);
  CHECK(clone3->errno_ret == 38u);
  CHECK(Contains(clone3->comment, "falls back to the guarded clone"));
  CHECK(ProfileAllows(p, "clone", 0, 0x1200011));                     // the observed fork
  CHECK_FALSE(ProfileAllows(p, "clone", 0, 0x1200011 | 0x10000000));  // + CLONE_NEWUSER
  CHECK_FALSE(ProfileAllows(p, "clone", 0, 0x40000000));              // CLONE_NEWNET

  // Observed namespace flags stay allowed, other namespaces do not.
  auto ns = Gen({"namespaces.json"}, Plain()).profile;
  auto clones = RulesFor(ns, "clone");
  REQUIRE(clones.size() == 2);
  CHECK(Contains(clones[1]->comment, "with exactly the observed namespace flags 0x10000000 (mask 0x7e020000)"));
  CHECK(ProfileAllows(ns, "clone", 0, 0x10000011));
  CHECK(ProfileAllows(ns, "clone", 0, 0x1200011));
  CHECK_FALSE(ProfileAllows(ns, "clone", 0, 0x40000011));
  CHECK(HasName(*UnconditionalAllows(ns)[0], "mount"));    // observed: allowed
  CHECK(HasName(*UnconditionalAllows(ns)[0], "unshare"));  // guarded only under strict
}

TEST_CASE("generate: clone3 observed", "[generate][guards]") {
  auto r = Gen({"clone3.json"}, Plain());
  const auto* clone3 = RuleFor(r.profile, "clone3");
  REQUIRE(clone3);
  CHECK(clone3->action == Action::kErrno);
  CHECK(clone3->errno_ret == 38u);
  CHECK(Contains(clone3->comment, "clone3: observed in 1/1 runs"));
  // The fallback must work: clone without namespace flags.
  const auto* clone = RuleFor(r.profile, "clone");
  REQUIRE(clone);
  CHECK(clone->args.size() == 1);
  CHECK(Contains(clone->comment, "fallback for clone3"));
  CHECK(AnyWarning(r, "seccomp cannot check its flags"));

  GenerateOptions none = Plain();
  none.args = ArgPolicy::kNone;
  auto n = Gen({"clone3.json"}, none).profile;
  CHECK(HasName(*UnconditionalAllows(n)[0], "clone3"));
  CHECK(RulesFor(n, "clone").empty());

  // The runc layer lists clone3 too: still ENOSYS under the guard, one entry naming both reasons.
  auto runc = Gen({"clone3.json"}).profile;
  REQUIRE(RuleFor(runc, "clone3"));
  CHECK(RuleFor(runc, "clone3")->action == Action::kErrno);
  CHECK(Contains(RuleFor(runc, "clone3")->comment,
                 "clone3: observed in 1/1 runs, first by /usr/bin/app; listed by the "
                 "runtime layer runc 1.1.5 (no-new-privileges=false); answers ENOSYS"));
  CHECK(RulesFor(runc, "clone").size() == 1);
  CHECK(ProfileAllows(runc, "clone", 0, 0x3d0f00));  // glibc's pthread_create fallback
  CHECK_FALSE(ProfileAllows(runc, "clone", 0, 0x3d0f00 | 0x10000000));
}

// A profile for runc allowed clone3 unconditionally (the runc layer lists it), which undid the clone guard:
// any namespace flags passed through clone3. Under the guard the layer's clone3 answers ENOSYS too, and the
// guarded clone the C library falls back to covers the runtime's threads.
TEST_CASE("generate: the runtime layer's clone3 does not undo the clone guard", "[generate][guards][runtime]") {
  for (bool nnp : {false, true}) {
    INFO("no-new-privileges " << nnp);
    GenerateOptions o;  // --runtime runc, --args guard
    o.no_new_privileges = nnp;

    // clone observed (fork): its guard, clone3 ENOSYS, no unconditional clone3 anywhere.
    auto p = Gen({"run1.json"}, o).profile;
    for (const auto* r : RulesFor(p, "clone3")) CHECK(r->action != Action::kAllow);
    REQUIRE(RuleFor(p, "clone3"));
    CHECK(RuleFor(p, "clone3")->errno_ret == 38u);
    CHECK(Contains(RuleFor(p, "clone3")->comment, "clone3: not observed; listed by the runtime layer runc 1.1.5"));
    CHECK(Contains(RuleFor(p, "clone3")->comment, "the runtime creates its threads without namespace flags"));
    REQUIRE(RuleFor(p, "clone"));
    CHECK_FALSE(Contains(RuleFor(p, "clone")->comment, "does not cover clone3"));
    CHECK(Contains(RuleFor(p, "clone")->comment, "lists clone3, which answers ENOSYS: its fallback is this clone"));
    CHECK(ProfileAllows(p, "clone", 0, 0x1200011));                    // the observed fork
    CHECK(ProfileAllows(p, "clone", 0, 0x3d0f00));                     // a thread: the runtime's fallback
    CHECK_FALSE(ProfileAllows(p, "clone", 0, 0x3d0f00 | 0x40000000));  // CLONE_NEWNET

    // clone not observed: the layer's need for clone3 brings the guarded clone in.
    auto q = Gen({"unnamed.json"}, o).profile;
    REQUIRE(RuleFor(q, "clone"));
    CHECK(RuleFor(q, "clone")->args.size() == 1);
    CHECK(Contains(RuleFor(q, "clone")->comment,
                   "clone: not observed, allowed as the fallback for clone3 (which answers ENOSYS; clone3 not "
                   "observed; listed by the runtime layer runc 1.1.5"));
    CHECK(ProfileAllows(q, "clone", 0, 0x3d0f00));
    CHECK_FALSE(ProfileAllows(q, "clone", 0, 0x3d0f00 | 0x20000));  // CLONE_NEWNS
    REQUIRE(RuleFor(q, "clone3"));
    CHECK(RuleFor(q, "clone3")->action == Action::kErrno);
    CHECK_FALSE(HasName(*UnconditionalAllows(q)[0], "clone3"));
  }

  // clone observed only with namespace flags: the fallback needs clone without them as well.
  trace::Trace t = generator::LoadAndMergeTraces({Fixture("namespaces.json")});
  for (auto& [key, rec] : t.syscalls)
    if (rec.name == "clone") rec.args[0].values = {0x10000011};  // CLONE_NEWUSER | SIGCHLD only
  auto plain = generator::Generate(t, Plain()).profile;
  CHECK_FALSE(ProfileAllows(plain, "clone", 0, 0x3d0f00));  // the program alone: exactly what it did
  auto ns = generator::Generate(t, GenerateOptions{}).profile;
  CHECK(ProfileAllows(ns, "clone", 0, 0x10000011));
  CHECK(ProfileAllows(ns, "clone", 0, 0x3d0f00));
  CHECK_FALSE(ProfileAllows(ns, "clone", 0, 0x40000011));
  auto clones = RulesFor(ns, "clone");
  REQUIRE(clones.size() == 2);
  CHECK(std::any_of(clones.begin(), clones.end(), [](const profile::Rule* r) {
    return Contains(r->comment, "clone: allowed without namespace flags as the fallback for clone3");
  }));

  // --args none: the layer's clone3 stays allowed (nothing is guarded), no clone rule is invented.
  GenerateOptions none;
  none.args = ArgPolicy::kNone;
  for (const char* fixture : {"run1.json", "unnamed.json"}) {
    INFO(fixture);
    auto n = Gen({fixture}, none).profile;
    CHECK(HasName(*UnconditionalAllows(n)[0], "clone3"));
    CHECK(RulesFor(n, "clone3").size() == 1);
    for (const auto* r : RulesFor(n, "clone")) CHECK(r->args.empty());
  }
  CHECK(RulesFor(Gen({"unnamed.json"}, none).profile, "clone").empty());

  // crun's layer has no clone3: nothing changes there (the plain probe, no clone rule for unnamed.json).
  GenerateOptions crun;
  crun.runtime = Runtime::kCrun;
  auto c = Gen({"unnamed.json"}, crun).profile;
  CHECK(RulesFor(c, "clone").empty());
  REQUIRE(RuleFor(c, "clone3"));
  CHECK(Contains(RuleFor(c, "clone3")->comment, "ENOSYS probes, not observed"));
}

TEST_CASE("generate: guards never block a value seen in any trace", "[generate][guards]") {
  const std::vector<std::string> all = {"run1.json", "run2.json", "namespaces.json", "overflow.json"};
  for (ArgPolicy policy : {ArgPolicy::kNone, ArgPolicy::kGuard, ArgPolicy::kStrict}) {
    GenerateOptions o = Plain();
    o.args = policy;
    for (const auto& subset : std::vector<std::vector<std::string>>{{"run1.json"}, {"run1.json", "run2.json"}, all}) {
      std::vector<std::string> paths;
      for (const auto& f : subset) paths.push_back(Fixture(f));
      trace::Trace merged = generator::LoadAndMergeTraces(paths);
      auto p = generator::Generate(merged, o).profile;
      for (const auto& [key, rec] : merged.syscalls) {
        if (!rec.name) continue;
        INFO(*rec.name << " policy " << generator::ArgPolicyName(policy));
        for (const auto& [index, values] : rec.args) {
          for (uint64_t v : values.values) {
            INFO("arg " << index << " = " << v);
            CHECK(ProfileAllows(p, *rec.name, index, v));
          }
        }
        if (rec.args.empty() && *rec.name != "clone3") CHECK(ProfileAllows(p, *rec.name, 0, 0));
      }
    }
  }
}

TEST_CASE("generate: socket, personality (guard) and ioctl, prctl, unshare, setns (strict)", "[generate][guards]") {
  auto p = Gen({"run1.json", "run2.json"}, Plain()).profile;
  // One entry per value, as Docker's default profile writes them (every loader ORs entries).
  auto sockets = RulesFor(p, "socket");
  REQUIRE(sockets.size() == 3);
  CHECK(sockets[0]->args == std::vector<profile::ArgCondition>{{0, 1, 0, Op::kEq}});
  CHECK(sockets[1]->args == std::vector<profile::ArgCondition>{{0, 2, 0, Op::kEq}});
  CHECK(sockets[2]->args == std::vector<profile::ArgCondition>{{0, 10, 0, Op::kEq}});
  CHECK_FALSE(ProfileAllows(p, "socket", 0, 16));  // AF_NETLINK: not observed
  CHECK_FALSE(ProfileAllows(p, "socket", 0, 17));  // AF_PACKET
  const auto* personality = RuleFor(p, "personality");
  REQUIRE(personality);
  CHECK(personality->args == std::vector<profile::ArgCondition>{{0, 0xffffffff, 0, Op::kEq}});
  // guard leaves ioctl and prctl alone.
  CHECK(HasName(*UnconditionalAllows(p)[0], "ioctl"));
  CHECK(HasName(*UnconditionalAllows(p)[0], "prctl"));

  GenerateOptions strict = Plain();
  strict.args = ArgPolicy::kStrict;
  auto s = Gen({"run1.json", "run2.json", "namespaces.json"}, strict).profile;
  auto ioctls = RulesFor(s, "ioctl");
  REQUIRE(ioctls.size() == 2);
  CHECK(ioctls[0]->args == std::vector<profile::ArgCondition>{{1, 0x5401, 0, Op::kEq}});
  CHECK(ProfileAllows(s, "ioctl", 1, 0x5401));
  CHECK(ProfileAllows(s, "ioctl", 1, 0x5413));
  CHECK_FALSE(ProfileAllows(s, "ioctl", 1, 0x541c));  // TIOCSTI
  CHECK_FALSE(ProfileAllows(s, "prctl", 0, 22));      // PR_SET_SECCOMP
  CHECK(ProfileAllows(s, "prctl", 0, 15));
  CHECK(ProfileAllows(s, "unshare", 0, 0x20000));
  CHECK_FALSE(ProfileAllows(s, "unshare", 0, 0x10000000));
  CHECK(ProfileAllows(s, "setns", 1, 0x40000000));
  CHECK_FALSE(ProfileAllows(s, "setns", 1, 0));
}

TEST_CASE("generate: equal conditions share one entry", "[generate][guards]") {
  // socket and socketpair both limited to AF_UNIX: one entry with both names.
  std::string dir = TempDir();
  std::string path = dir + "/unix.json";
  WriteFileAtomically(path, R"({"profilegen": "trace", "version": 1,
    "host": {"arch": "SCMP_ARCH_X86_64"},
    "syscalls": [
      {"arch": "SCMP_ARCH_X86_64", "name": "socket", "nr": 41, "count": 1, "args": {"0": {"values": [1]}}},
      {"arch": "SCMP_ARCH_X86_64", "name": "socketpair", "nr": 53, "count": 1, "args": {"0": {"values": [1]}}}
    ]})");
  auto p = generator::Generate(generator::LoadAndMergeTraces({path}), Plain()).profile;
  const auto* r = RuleFor(p, "socket");
  REQUIRE(r);
  CHECK(r->names == std::vector<std::string>{"socket", "socketpair"});
  CHECK(r->args == std::vector<profile::ArgCondition>{{0, 1, 0, Op::kEq}});
  CHECK(Contains(r->comment, "socket: observed"));
  CHECK(Contains(r->comment, " | socketpair: observed"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("generate: no guard when the values overflowed or were not captured", "[generate][guards]") {
  GenerateOptions strict = Plain();
  strict.args = ArgPolicy::kStrict;
  auto p = Gen({"overflow.json"}, strict).profile;
  const auto* allow = UnconditionalAllows(p)[0];
  CHECK(HasName(*allow, "ioctl"));
  CHECK(HasName(*allow, "socket"));  // domain overflowed: no guard, even though type has values
  CHECK(RulesFor(p, "socket").size() == 1);
  CHECK(Contains(allow->comment, "no argument guard for"));
  CHECK(Contains(allow->comment, "ioctl (more than 64 distinct values of argument 1)"));

  auto u = Gen({"uncaptured.json"}, strict).profile;
  CHECK(HasName(*UnconditionalAllows(u)[0], "socket"));
  CHECK(HasName(*UnconditionalAllows(u)[0], "personality"));
  CHECK(Contains(UnconditionalAllows(u)[0]->comment, "socket (argument 0 not captured)"));

  GenerateOptions none = Plain();
  none.args = ArgPolicy::kNone;
  auto n = Gen({"run1.json", "run2.json"}, none).profile;
  for (const auto& r : n.syscalls) CHECK(r.args.empty());
  CHECK(RulesFor(n, "clone3").size() == 1);  // the plain ENOSYS probe
}

TEST_CASE("generate: archMap holds the host and only the observed sub-architectures", "[generate][arch]") {
  auto one = Gen({"run1.json"}, Plain()).profile;
  REQUIRE(one.arch_map.size() == 1);
  CHECK(one.arch_map[0].architecture == "SCMP_ARCH_X86_64");
  CHECK(one.arch_map[0].sub_architectures.empty());
  CHECK(one.architectures.empty());

  auto two = Gen({"run1.json", "run2.json"}, Plain()).profile;  // run2 made i386 calls
  REQUIRE(two.arch_map.size() == 1);
  CHECK(two.arch_map[0].sub_architectures == std::vector<std::string>{"SCMP_ARCH_X86"});

  GenerateOptions x32 = Plain();
  x32.extra_arches = {sys::ArchByNativeName("x32")->token, sys::ArchByNativeName("amd64")->token};
  auto withx32 = Gen({"run1.json", "run2.json"}, x32).profile;
  CHECK(withx32.arch_map[0].sub_architectures == std::vector<std::string>{"SCMP_ARCH_X86", "SCMP_ARCH_X32"});
}

TEST_CASE("generate: --arch arm64 adds an entry and reports the names missing there", "[generate][arch]") {
  GenerateOptions o = Plain();
  o.extra_arches = {sys::ArchByNativeName("arm64")->token};
  auto r = Gen({"run1.json"}, o);
  REQUIRE(r.profile.arch_map.size() == 2);
  CHECK(r.profile.arch_map[0].architecture == "SCMP_ARCH_X86_64");
  CHECK(r.profile.arch_map[1].architecture == "SCMP_ARCH_AARCH64");
  CHECK(r.profile.arch_map[1].sub_architectures.empty());
  // Names present on arm64 stay, x86-only ones stay for the host but are reported.
  const auto* allow = UnconditionalAllows(r.profile)[0];
  CHECK(HasName(*allow, "access"));
  CHECK(HasName(*allow, "arch_prctl"));
  CHECK(HasName(*allow, "openat"));
  REQUIRE(r.warnings.size() == 1);
  CHECK(Contains(r.warnings[0], "--arch arm64: 2 allowed syscalls do not exist on SCMP_ARCH_AARCH64"));
  CHECK(Contains(r.warnings[0], ": access, arch_prctl."));
  CHECK(Contains(r.warnings[0], "access, arch_prctl. A program built for arm64"));
}

TEST_CASE("generate: default action and errno", "[generate][options]") {
  auto d = Gen({"run1.json"}, Plain()).profile;
  CHECK(d.default_action == Action::kErrno);
  CHECK(d.default_errno_ret == 1u);

  GenerateOptions o = Plain();
  o.errno_ret = 13;
  CHECK(Gen({"run1.json"}, o).profile.default_errno_ret == 13u);

  o.default_action = Action::kKillProcess;
  auto k = Gen({"run1.json"}, o);
  CHECK(k.profile.default_action == Action::kKillProcess);
  CHECK_FALSE(k.profile.default_errno_ret.has_value());
  CHECK(AnyWarning(k, "--errno EACCES has no effect with --default-action kill-process"));
  const std::string text = profile::WriteProfile(k.profile);
  CHECK(text.rfind("{\n    \"defaultAction\": \"SCMP_ACT_KILL_PROCESS\",\n    \"archMap\"", 0) == 0);

  for (Action a : {Action::kKillThread, Action::kTrap, Action::kLog}) {
    GenerateOptions x = Plain();
    x.default_action = a;
    auto p = Gen({"run1.json"}, x).profile;
    CHECK(p.default_action == a);
    CHECK_FALSE(p.default_errno_ret.has_value());
  }
}

TEST_CASE("generate: unnamed syscall numbers are reported and left out", "[generate]") {
  auto r = Gen({"unnamed.json"}, Plain());
  REQUIRE(r.warnings.size() == 1);
  CHECK(Contains(r.warnings[0], "SCMP_ARCH_X86_64 syscall number 999"));
  CHECK(Contains(r.warnings[0], "observed in 1/1 runs, first by /usr/bin/new"));
  CHECK(Contains(r.warnings[0], "cannot name it"));
  for (const auto& rule : r.profile.syscalls)
    for (const auto& n : rule.names) CHECK_FALSE(n.empty());
}

TEST_CASE("generate: bad traces give one clear error naming the file", "[generate][errors]") {
  auto error_of = [](const std::vector<std::string>& files) -> std::pair<std::string, int> {
    std::vector<std::string> paths;
    for (const auto& f : files) paths.push_back(Fixture(f));
    try {
      generator::LoadAndMergeTraces(paths);
    } catch (const Error& e) {
      return {e.what(), e.exit_code()};
    }
    return {"", 0};
  };
  auto [malformed, code] = error_of({"run1.json", "malformed.json"});
  CHECK(code == 2);
  CHECK(Contains(malformed, Fixture("malformed.json") + ":4:"));
  CHECK(Contains(malformed, "malformed JSON"));

  auto newer = error_of({"newer.json"}).first;
  CHECK(Contains(newer, Fixture("newer.json")));
  CHECK(Contains(newer, "newer than this profilegen understands"));

  auto missing = error_of({"does-not-exist.json"});
  CHECK(missing.second == 2);
  CHECK(Contains(missing.first, Fixture("does-not-exist.json")));

  auto several = error_of({"newer.json", "run1.json", "malformed.json"}).first;
  CHECK(Contains(several, "2 of 3 traces cannot be used:"));
  CHECK(Contains(several, Fixture("newer.json")));
  CHECK(Contains(several, Fixture("malformed.json")));

  auto profile = error_of({"profile-a.json"}).first;
  CHECK(Contains(profile, "looks like a seccomp profile, not a trace"));
}

TEST_CASE("generate: traces from different host architectures are refused", "[generate][errors]") {
  std::string dir = TempDir();
  std::string arm = dir + "/arm.json";
  WriteFileAtomically(arm, R"({"profilegen": "trace", "version": 1, "host": {"arch": "SCMP_ARCH_AARCH64"},
    "syscalls": [{"arch": "SCMP_ARCH_AARCH64", "name": "read", "nr": 63, "count": 1}]})");
  try {
    generator::LoadAndMergeTraces({Fixture("run1.json"), arm});
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(Contains(e.what(), "different host architectures"));
    CHECK(Contains(e.what(), "SCMP_ARCH_AARCH64: " + arm));
    CHECK(Contains(e.what(), "--arch"));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("generate: an empty merge gives the runtime layer only", "[generate]") {
  trace::Trace empty = trace::MergeAll({});
  auto p = generator::Generate(empty, GenerateOptions{}).profile;
  REQUIRE(UnconditionalAllows(p).size() == 1);
  CHECK(HasName(*UnconditionalAllows(p)[0], "execve"));
}

TEST_CASE("generate: --arch s390x adds Docker's s390 clone variant", "[generate][arch][guards]") {
  GenerateOptions o = Plain();
  o.extra_arches = {sys::ArchByNativeName("s390x")->token};
  auto p = Gen({"run1.json"}, o).profile;
  auto clones = RulesFor(p, "clone");
  REQUIRE(clones.size() == 2);
  const profile::Rule* other = clones[0]->includes.arches.empty() ? clones[0] : clones[1];
  const profile::Rule* s390 = clones[0]->includes.arches.empty() ? clones[1] : clones[0];
  CHECK(other->args[0].index == 0);
  CHECK(other->excludes.arches == std::vector<std::string>{"s390", "s390x"});
  CHECK(s390->args[0].index == 1);
  CHECK(s390->args[0].value == 0x7E020000u);
  CHECK(s390->includes.arches == std::vector<std::string>{"s390", "s390x"});
  CHECK(Contains(s390->comment, "(arg 1 in s390's argument order)"));
}

TEST_CASE("generate: --arch x86 joins the host's sub-architectures", "[generate][arch]") {
  GenerateOptions o = Plain();
  o.extra_arches = {sys::ArchByNativeName("x86")->token};
  auto r = Gen({"run1.json"}, o);
  REQUIRE(r.profile.arch_map.size() == 1);
  CHECK(r.profile.arch_map[0].sub_architectures == std::vector<std::string>{"SCMP_ARCH_X86"});
  REQUIRE(r.warnings.size() == 1);
  CHECK(Contains(r.warnings[0],
                 "--arch x86: 1 allowed syscall does not exist on SCMP_ARCH_X86 and has no effect there: newfstatat."));
  CHECK(Contains(r.warnings[0], "record the x86 build of the program here and pass its trace too"));
}

// libseccomp's name lookup answers x86 socket (and the other socketcall names) with a pseudo number, which made
// `--arch x86` claim that socket does not exist on x86. sys::Resolve maps it to the real number (359, commit
// 414f262): the warning lists only names that really are missing there.
TEST_CASE("generate: --arch x86 does not report socket as missing", "[generate][arch]") {
  const sys::ArchToken x86 = sys::ArchByNativeName("x86")->token;
  REQUIRE(sys::Resolve(x86, "socket").status == sys::NameStatus::kPresent);
  CHECK(sys::Resolve(x86, "socket").nr == 359);
  for (ArgPolicy policy : {ArgPolicy::kNone, ArgPolicy::kGuard}) {
    INFO("--args " << generator::ArgPolicyName(policy));
    GenerateOptions o = Plain();
    o.args = policy;
    o.extra_arches = {x86};
    auto r = Gen({"run1.json"}, o);  // run1 (x86_64 only) made socket(AF_UNIX) and newfstatat
    CHECK(ProfileAllows(r.profile, "socket", 0, 1));
    REQUIRE(r.warnings.size() == 1);
    CHECK_FALSE(Contains(r.warnings[0], "socket"));
    CHECK(Contains(r.warnings[0],
                   "1 allowed syscall does not exist on SCMP_ARCH_X86 and has no effect there: "
                   "newfstatat."));
  }
  // socket and socketpair only: nothing to report at all.
  trace::Trace t = generator::LoadAndMergeTraces({Fixture("run1.json")});
  for (auto it = t.syscalls.begin(); it != t.syscalls.end();) {
    const bool keep = it->second.name == "socket" || it->second.name == "exit_group";
    it = keep ? std::next(it) : t.syscalls.erase(it);
  }
  GenerateOptions o = Plain();
  o.extra_arches = {x86};
  auto r = generator::Generate(t, o);
  CHECK(r.warnings.empty());
  REQUIRE_FALSE(RulesFor(r.profile, "socket").empty());
  CHECK(Contains(RulesFor(r.profile, "socket")[0]->comment,
                 "on SCMP_ARCH_X86 calls made through socketcall cannot be argument-checked"));
}

TEST_CASE("generate: every profile reads back with no diagnostic and unchanged", "[generate]") {
  for (ArgPolicy policy : {ArgPolicy::kNone, ArgPolicy::kGuard, ArgPolicy::kStrict}) {
    for (Runtime rt : {Runtime::kNone, Runtime::kRunc, Runtime::kCrun}) {
      GenerateOptions o;
      o.args = policy;
      o.runtime = rt;
      o.extra_arches = {sys::ArchByNativeName("arm64")->token, sys::ArchByNativeName("s390x")->token};
      auto p = Gen({"run1.json", "run2.json", "namespaces.json", "clone3.json", "overflow.json"}, o).profile;
      const std::string text = profile::WriteProfile(p);
      profile::ParseResult back = profile::ParseProfile(text);
      for (const auto& d : back.diagnostics) FAIL_CHECK(d.Format("generated"));
      CHECK(back.profile == p);
    }
  }
}

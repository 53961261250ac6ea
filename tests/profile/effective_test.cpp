#include "profile/effective.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>

#include "profile/writer.h"
#include "test_util.h"

using namespace profilegen;
using namespace profilegen::profile;
using namespace profilegen::profile::testing;

namespace {

sys::ArchToken Arch(const char* scmp) { return sys::ArchByScmpName(scmp).value().token; }

Target DockerTarget(const char* arch, std::set<std::string> caps, int major = 6, int minor = 1) {
  Target t;
  t.arch = Arch(arch);
  t.caps = std::move(caps);
  t.kernel_major = major;
  t.kernel_minor = minor;
  return t;
}

const SyscallPolicy* Find(const EffectivePolicy& e, const char* arch, const std::string& name) {
  auto a = e.arches.find(Arch(arch));
  if (a == e.arches.end()) return nullptr;
  auto s = a->second.syscalls.find(name);
  return s == a->second.syscalls.end() ? nullptr : &s->second;
}

bool Allowed(const EffectivePolicy& e, const char* arch, const std::string& name) {
  const SyscallPolicy* p = Find(e, arch, name);
  return p && p->Unconditional() && p->rules[0].verdict.action == Action::kAllow;
}

std::vector<Target> SomeTargets() {
  std::vector<Target> targets;
  for (const char* arch : {"SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64", "SCMP_ARCH_S390X"}) {
    targets.push_back(DockerTarget(arch, DefaultCaps()));
    targets.push_back(DockerTarget(arch, AllCaps(), 4, 4));
    targets.push_back(DockerTarget(arch, {}));
  }
  Target podman = DockerTarget("SCMP_ARCH_X86_64", DefaultCaps());
  podman.engine = Engine::kPodman;
  targets.push_back(podman);
  return targets;
}

Profile Moby() { return ParseClean(Fixture("moby-default.json")); }

}  // namespace

TEST_CASE("reordered, regrouped and commented copies of moby's profile evaluate equal", "[profile][effective]") {
  const Profile original = Moby();
  std::mt19937 rng(7);

  Profile reordered = original;  // entries reversed, names shuffled, comments everywhere
  std::reverse(reordered.syscalls.begin(), reordered.syscalls.end());
  for (auto& r : reordered.syscalls) {
    std::shuffle(r.names.begin(), r.names.end(), rng);
    r.comment = "reviewed";
  }

  Profile regrouped = original;  // one entry per name, and the ERRNO(1) entries a default-equal no-op adds
  regrouped.syscalls.clear();
  for (const auto& r : original.syscalls) {
    for (const auto& n : r.names) {
      Rule one = r;
      one.names = {n};
      regrouped.syscalls.push_back(one);
    }
  }
  Rule noop;
  noop.names = {"mount"};
  noop.action = Action::kErrno;
  regrouped.syscalls.insert(regrouped.syscalls.begin(), noop);

  // And the canonical text of it, parsed back.
  const Profile rewritten = ParseClean(WriteProfile(reordered));

  for (const Target& t : SomeTargets()) {
    INFO("arch " << t.arch << " caps " << t.caps.size() << " engine " << static_cast<int>(t.engine));
    const EffectivePolicy base = Evaluate(original, t);
    CHECK_FALSE(base.seccomp_off);
    CHECK(Evaluate(reordered, t) == base);
    CHECK(Evaluate(regrouped, t) == base);
    CHECK(Evaluate(rewritten, t) == base);
  }
}

TEST_CASE("moby on amd64 with Docker's default capabilities", "[profile][effective]") {
  const EffectivePolicy e = Evaluate(Moby(), DockerTarget("SCMP_ARCH_X86_64", DefaultCaps()));
  CHECK(e.default_verdict.ToString() == "SCMP_ACT_ERRNO(1)");
  // archMap: the host entry and its sub-architectures.
  CHECK(e.arches.size() == 3);
  CHECK(e.arches.count(Arch("SCMP_ARCH_X86")));
  CHECK(e.arches.count(Arch("SCMP_ARCH_X32")));
  CHECK(Allowed(e, "SCMP_ARCH_X86_64", "read"));
  CHECK(Allowed(e, "SCMP_ARCH_X86_64", "arch_prctl"));  // includes.arches amd64
  CHECK(Allowed(e, "SCMP_ARCH_X86", "socketcall"));     // only exists on x86
  CHECK_FALSE(Find(e, "SCMP_ARCH_X86_64", "socketcall"));
  CHECK_FALSE(Find(e, "SCMP_ARCH_X86_64", "mount"));       // needs CAP_SYS_ADMIN
  CHECK_FALSE(Find(e, "SCMP_ARCH_X86_64", "cacheflush"));  // arm only
  CHECK(Allowed(e, "SCMP_ARCH_X86_64", "ptrace"));         // includes.minKernel 4.8, kernel 6.1
  // clone3 -> ENOSYS without CAP_SYS_ADMIN (excludes), clone guarded by a MASKED_EQ on its flags.
  const SyscallPolicy* clone3 = Find(e, "SCMP_ARCH_X86_64", "clone3");
  REQUIRE(clone3);
  CHECK(clone3->rules[0].verdict.ToString() == "SCMP_ACT_ERRNO(38)");
  const SyscallPolicy* clone = Find(e, "SCMP_ARCH_X86_64", "clone");
  REQUIRE(clone);
  REQUIRE(clone->rules.size() == 1);
  CHECK(clone->rules[0].conditions == std::vector<ArgCondition>{{0, 2114060288, 0, Op::kMaskedEq}});
  // socket: three separate entries, three rules (ORed).
  const SyscallPolicy* socket = Find(e, "SCMP_ARCH_X86_64", "socket");
  REQUIRE(socket);
  CHECK(socket->rules.size() == 3);
}

TEST_CASE("includes/excludes: capabilities, arches, minKernel", "[profile][effective]") {
  const Profile moby = Moby();
  SECTION("caps") {
    auto caps = DefaultCaps();
    caps.insert("CAP_SYS_ADMIN");
    const EffectivePolicy e = Evaluate(moby, DockerTarget("SCMP_ARCH_X86_64", caps));
    CHECK(Allowed(e, "SCMP_ARCH_X86_64", "mount"));
    CHECK(Allowed(e, "SCMP_ARCH_X86_64", "clone"));   // unconditional; the guarded entry is excluded
    CHECK(Allowed(e, "SCMP_ARCH_X86_64", "clone3"));  // ENOSYS entry excluded by CAP_SYS_ADMIN
  }
  SECTION("arches: arm64 host gets arm syscalls on its ARM sub-arch") {
    const EffectivePolicy e = Evaluate(moby, DockerTarget("SCMP_ARCH_AARCH64", DefaultCaps()));
    CHECK(e.arches.size() == 2);
    CHECK(Allowed(e, "SCMP_ARCH_ARM", "arm_fadvise64_64"));
    CHECK(Allowed(e, "SCMP_ARCH_ARM", "cacheflush"));
    CHECK_FALSE(Find(e, "SCMP_ARCH_AARCH64", "arch_prctl"));
  }
  SECTION("arches: s390x clone guards argument 1") {
    const EffectivePolicy e = Evaluate(moby, DockerTarget("SCMP_ARCH_S390X", DefaultCaps()));
    const SyscallPolicy* clone = Find(e, "SCMP_ARCH_S390X", "clone");
    REQUIRE(clone);
    CHECK(clone->rules[0].conditions[0].index == 1);
  }
  SECTION("minKernel: docker compares the kernel, podman ignores it") {
    const Target old_kernel = DockerTarget("SCMP_ARCH_X86_64", DefaultCaps(), 4, 4);
    CHECK_FALSE(Find(Evaluate(moby, old_kernel), "SCMP_ARCH_X86_64", "ptrace"));
    CHECK(Allowed(Evaluate(moby, DockerTarget("SCMP_ARCH_X86_64", DefaultCaps(), 4, 8)), "SCMP_ARCH_X86_64", "ptrace"));
    Target podman = old_kernel;
    podman.engine = Engine::kPodman;
    const EffectivePolicy e = Evaluate(moby, podman);
    CHECK(Allowed(e, "SCMP_ARCH_X86_64", "ptrace"));
    CHECK(std::any_of(e.notes.begin(), e.notes.end(), [](const Diagnostic& d) {
      return d.path == "syscalls[1]" && d.message.find("podman ignores minKernel") != std::string::npos;
    }));
  }
  SECTION("RuleApplies directly") {
    Rule r;
    r.includes.caps = {"CAP_A", "CAP_B"};
    Target t = DockerTarget("SCMP_ARCH_X86_64", {"CAP_A"});
    CHECK_FALSE(RuleApplies(r, t));  // includes: ALL caps
    t.caps.insert("CAP_B");
    CHECK(RuleApplies(r, t));
    r.excludes.caps = {"CAP_X", "CAP_B"};
    CHECK_FALSE(RuleApplies(r, t));  // excludes: ANY cap
    Rule k;
    k.excludes.min_kernel = "5.10";
    CHECK(RuleApplies(k, DockerTarget("SCMP_ARCH_X86_64", {}, 5, 9)));
    CHECK_FALSE(RuleApplies(k, DockerTarget("SCMP_ARCH_X86_64", {}, 5, 10)));
  }
}

TEST_CASE("FilterArches: the native arch is always in the filter", "[profile][effective]") {
  Profile p = ParseClean(R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86"]})");
  auto arches = FilterArches(p, DockerTarget("SCMP_ARCH_X86_64", {}));
  CHECK(arches == std::vector<sys::ArchToken>{Arch("SCMP_ARCH_X86_64"), Arch("SCMP_ARCH_X86")});
  // archMap without an entry for the host: only the native arch.
  Profile m = ParseClean(
      R"({"defaultAction": "SCMP_ACT_ERRNO", "archMap": [{"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}]})");
  CHECK(FilterArches(m, DockerTarget("SCMP_ARCH_X86_64", {})) == std::vector<sys::ArchToken>{Arch("SCMP_ARCH_X86_64")});
  CHECK(FilterArches(m, DockerTarget("SCMP_ARCH_AARCH64", {})) ==
        std::vector<sys::ArchToken>{Arch("SCMP_ARCH_AARCH64"), Arch("SCMP_ARCH_ARM")});
}

TEST_CASE("runc argument semantics: AND without a repeated index, OR with one", "[profile][effective]") {
  const Target t = DockerTarget("SCMP_ARCH_X86_64", {});
  Profile and_rule = ParseClean(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["socket"],
      "action": "SCMP_ACT_ALLOW", "args": [{"index": 1, "value": 1, "op": "SCMP_CMP_EQ"},
                                           {"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}]}]})");
  const EffectivePolicy and_policy = Evaluate(and_rule, t);
  const SyscallPolicy* a = Find(and_policy, "SCMP_ARCH_X86_64", "socket");
  REQUIRE(a);
  REQUIRE(a->rules.size() == 1);
  CHECK(a->rules[0].conditions == std::vector<ArgCondition>{{0, 2, 0, Op::kEq}, {1, 1, 0, Op::kEq}});

  Profile or_rule = ParseProfile(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["socket"],
      "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"},
        {"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 1, "op": "SCMP_CMP_EQ"}]}]})")
                        .profile;
  const EffectivePolicy or_policy = Evaluate(or_rule, t);
  const SyscallPolicy* o = Find(or_policy, "SCMP_ARCH_X86_64", "socket");
  REQUIRE(o);
  REQUIRE(o->rules.size() == 3);
  for (const auto& r : o->rules) CHECK(r.conditions.size() == 1);
}

TEST_CASE("libseccomp merge rules and runc's skipping, with notes", "[profile][effective]") {
  const Target t = DockerTarget("SCMP_ARCH_X86_64", {});
  auto has_note = [](const EffectivePolicy& e, const std::string& path, const std::string& part) {
    return std::any_of(e.notes.begin(), e.notes.end(), [&](const Diagnostic& d) {
      return d.path == path && d.message.find(part) != std::string::npos;
    });
  };
  SECTION("an earlier unconditional rule wins") {
    Profile p = ParseProfile(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
        {"names": ["personality"], "action": "SCMP_ACT_ALLOW"},
        {"names": ["personality"], "action": "SCMP_ACT_KILL"},
        {"names": ["personality"], "action": "SCMP_ACT_LOG", "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}]})")
                    .profile;
    const EffectivePolicy e = Evaluate(p, t);
    CHECK(Allowed(e, "SCMP_ARCH_X86_64", "personality"));
    CHECK(has_note(e, "syscalls[1].names[0]", "the earlier unconditional rule in syscalls[0] (SCMP_ACT_ALLOW) wins"));
    CHECK(has_note(e, "syscalls[2].names[0]", "libseccomp drops this rule"));
  }
  SECTION("a later unconditional rule replaces earlier conditional ones") {
    Profile p = ParseClean(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
        {"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]},
        {"names": ["personality"], "action": "SCMP_ACT_TRAP"}]})");
    const EffectivePolicy e = Evaluate(p, t);
    const SyscallPolicy* s = Find(e, "SCMP_ARCH_X86_64", "personality");
    REQUIRE(s);
    CHECK(s->Unconditional());
    CHECK(s->rules[0].verdict.action == Action::kTrap);
    CHECK(has_note(e, "syscalls[1].names[0]", "replaces the earlier conditional rules"));
  }
  SECTION("the same comparison with another action is EEXIST") {
    Profile p = ParseProfile(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
        {"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 16, "op": "SCMP_CMP_EQ"}]},
        {"names": ["socket"], "action": "SCMP_ACT_LOG", "args": [{"index": 0, "value": 16, "op": "SCMP_CMP_EQ"}]}]})")
                    .profile;
    const EffectivePolicy e = Evaluate(p, t);
    CHECK(std::any_of(e.notes.begin(), e.notes.end(), [](const Diagnostic& d) {
      return d.severity == Severity::kError && d.message.find("EEXIST") != std::string::npos;
    }));
  }
  SECTION("rules equal to the default action are skipped, errno included") {
    Profile p = ParseProfile(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
        {"names": ["mount"], "action": "SCMP_ACT_ERRNO"},
        {"names": ["umount2"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
        {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]})")
                    .profile;
    const EffectivePolicy e = Evaluate(p, t);
    CHECK_FALSE(Find(e, "SCMP_ARCH_X86_64", "mount"));
    CHECK_FALSE(Find(e, "SCMP_ARCH_X86_64", "umount2"));
    REQUIRE(Find(e, "SCMP_ARCH_X86_64", "clone3"));
    CHECK(has_note(e, "syscalls[0]", "runc skips this entry"));
    CHECK(has_note(e, "syscalls[1]", "runc skips this entry"));
  }
  SECTION("unknown names are skipped with a note") {
    Profile p = ParseProfile(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
        {"names": ["read", "opnat"], "action": "SCMP_ACT_ALLOW"}]})")
                    .profile;
    const EffectivePolicy e = Evaluate(p, t);
    CHECK(Allowed(e, "SCMP_ARCH_X86_64", "read"));
    CHECK(has_note(e, "syscalls[0].names[1]", "runc skips \"opnat\""));
  }
}

TEST_CASE("podman's errno strings override the numbers; seccomp off", "[profile][effective]") {
  const Profile podman_profile = ParseClean(Fixture("containers-common.json"));
  Target t = DockerTarget("SCMP_ARCH_X86_64", DefaultCaps());
  t.engine = Engine::kPodman;
  const EffectivePolicy e = Evaluate(podman_profile, t);
  CHECK(e.default_verdict.ToString() == "SCMP_ACT_ERRNO(38)");
  CHECK(Allowed(e, "SCMP_ARCH_X86_64", "chroot"));  // CAP_SYS_CHROOT is a default capability
  Target no_caps = t;
  no_caps.caps.clear();
  const EffectivePolicy without = Evaluate(podman_profile, no_caps);
  const SyscallPolicy* chroot = Find(without, "SCMP_ARCH_X86_64", "chroot");
  REQUIRE(chroot);
  CHECK(chroot->rules[0].verdict.ToString() == "SCMP_ACT_ERRNO(1)");  // "errno": "EPERM", explicit

  Profile p = ParseClean(R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrno": "ENOSYS", "syscalls": [
      {"names": ["ptrace"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "errno": "EINVAL"},
      {"names": ["read"], "action": "SCMP_ACT_ALLOW"}]})");
  const EffectivePolicy in_podman = Evaluate(p, t);
  CHECK(in_podman.default_verdict.ToString() == "SCMP_ACT_ERRNO(38)");
  CHECK(Find(in_podman, "SCMP_ARCH_X86_64", "ptrace")->rules[0].verdict.ToString() == "SCMP_ACT_ERRNO(22)");
  t.engine = Engine::kDocker;
  const EffectivePolicy in_docker = Evaluate(p, t);
  CHECK(in_docker.default_verdict.ToString() == "SCMP_ACT_ERRNO(1)");
  CHECK_FALSE(Find(in_docker, "SCMP_ARCH_X86_64", "ptrace"));  // ERRNO(1) == default: skipped

  CHECK(Evaluate(ParseProfile("{}").profile, t).seccomp_off);
  CHECK_FALSE(Evaluate(ParseClean(R"({"defaultAction": "SCMP_ACT_ALLOW"})"), t).seccomp_off);
}

TEST_CASE("targets: defaults and capability sets", "[profile][effective]") {
  CHECK(DefaultCaps().size() == 14);
  CHECK(AllCaps().size() == 41);
  CHECK(AllCaps().count("CAP_CHECKPOINT_RESTORE"));
  for (const auto& c : DefaultCaps()) CHECK(AllCaps().count(c));
  Target t = ResolveTarget(Target{});
  CHECK(t.arch == sys::HostArch());
  CHECK(t.kernel_major >= 3);
  CHECK(Verdict{Action::kAllow, 0}.ToString() == "SCMP_ACT_ALLOW");
  CHECK(Verdict{Action::kTrace, 5}.ToString() == "SCMP_ACT_TRACE(5)");
}

// Semantic diff: text differences that are no difference, and every kind of difference that is one.
#include "review/diff.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "helpers.h"

using namespace profilegen;
using namespace profilegen::review;
using nlohmann::json;
using review_test::Amd64;
using review_test::Parse;

namespace {

std::string MobyText() { return ReadFile(review_test::kMoby); }

// Reversed entry order, each entry's names reversed and args reversed, every key order reversed, comments
// everywhere, different indentation.
std::string Reordered(const std::string& text) {
  json j = json::parse(text);
  json& calls = j["syscalls"];
  std::reverse(calls.begin(), calls.end());
  for (auto& c : calls) {
    std::reverse(c["names"].begin(), c["names"].end());
    if (c.contains("args") && c["args"].is_array()) std::reverse(c["args"].begin(), c["args"].end());
    c["comment"] = "reordered copy: " + c["names"][0].get<std::string>();
  }
  return j.dump(1, '\t');  // nlohmann sorts keys: a different key order from the original
}

// Every entry split into one entry per name, then the single-name entries with identical rules merged back
// into differently composed groups.
std::string Regrouped(const std::string& text) {
  json j = json::parse(text);
  json split = json::array();
  for (const auto& c : j["syscalls"]) {
    for (const auto& n : c["names"]) {
      json one = c;
      one["names"] = json::array({n});
      one.erase("comment");
      split.push_back(one);
    }
  }
  // Group consecutive entries that differ only in their name, in pairs.
  json grouped = json::array();
  for (size_t i = 0; i < split.size(); ++i) {
    json a = split[i];
    if (i + 1 < split.size()) {
      json b = split[i + 1];
      json a_rest = a, b_rest = b;
      a_rest.erase("names");
      b_rest.erase("names");
      if (a_rest == b_rest) {
        a["names"].push_back(b["names"][0]);
        ++i;
      }
    }
    grouped.push_back(a);
  }
  j["syscalls"] = grouped;
  return j.dump();  // one line, no whitespace at all
}

DiffResult DiffTexts(const std::string& a, const std::string& b, const profile::Target& t = Amd64()) {
  return DiffProfiles(Parse(a), Parse(b), t);
}

const std::string kBase = R"({
  "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
  "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [
    {"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"},
    {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
     "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]},
    {"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]},
    {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
    {"names": ["chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}
  ]})";

// kBase with `from` replaced by `to` (which must occur).
std::string Edit(const std::string& from, const std::string& to, std::string text = kBase) {
  size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

const SyscallChange* Find(const DiffResult& d, const std::string& name, const std::string& arch = "SCMP_ARCH_X86_64") {
  for (const auto& a : d.arches) {
    if (sys::ArchByToken(a.arch)->scmp != arch) continue;
    for (const auto& s : a.syscalls) {
      if (s.name == name) return &s;
    }
  }
  return nullptr;
}

}  // namespace

TEST_CASE("reordered, regrouped and commented copies of Docker's default are no difference", "[review][diff]") {
  const std::string moby = MobyText();
  std::vector<profile::Target> targets;
  targets.push_back(Amd64());
  targets.push_back(Amd64(profile::AllCaps()));
  targets.push_back(Amd64({}));
  profile::Target arm = Amd64();
  arm.arch = sys::ArchByNativeName("arm64")->token;
  targets.push_back(arm);
  profile::Target old_kernel = Amd64();
  old_kernel.kernel_major = 4;
  old_kernel.kernel_minor = 4;
  targets.push_back(old_kernel);
  profile::Target podman = Amd64();
  podman.engine = profile::Engine::kPodman;
  targets.push_back(podman);
  for (const auto& copy : {Reordered(moby), Regrouped(moby), Regrouped(Reordered(moby))}) {
    REQUIRE(copy != moby);
    for (const auto& t : targets) {
      DiffResult d = DiffTexts(moby, copy, t);
      INFO(FormatDiffText(d, {"moby", "copy"}, false));
      CHECK(d.Identical());
      CHECK(d.arches.empty());
      CHECK_FALSE(GateFails(d, FailOn::kAny));
    }
  }
}

TEST_CASE("argument order, duplicate names and comments are no difference", "[review][diff]") {
  const std::string a = R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
      {"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [
         {"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 2, "op": "SCMP_CMP_EQ"}]}]})";
  const std::string b = R"({"syscalls": [
      {"comment": "same rule", "action": "SCMP_ACT_ALLOW", "names": ["socket", "socket"], "args": [
         {"op": "SCMP_CMP_EQ", "index": 1, "value": 2}, {"index": 0, "value": 1, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]}],
      "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1})";
  CHECK(DiffTexts(a, b).Identical());
}

TEST_CASE("an added syscall is reported with its risk and Docker's verdict", "[review][diff]") {
  SECTION("risky: mount") {
    DiffResult d = DiffTexts(kBase, Edit("\"exit_group\"", "\"exit_group\", \"mount\""));
    const SyscallChange* c = Find(d, "mount");
    REQUIRE(c);
    CHECK(c->kind == ChangeKind::kAdded);
    CHECK(c->direction == Direction::kWidened);
    REQUIRE(c->risk);
    CHECK(c->risk->category == RiskCategory::kEscape);
    CHECK(c->docker == Allowance::kNever);  // default caps: no CAP_SYS_ADMIN
    CHECK(c->before.Describe() == "default ERRNO(EPERM)");
    CHECK(c->after.Describe() == "ALLOW");
    CHECK(d.Counts().added == 1);
    CHECK(d.Counts().risky == 1);
    CHECK(GateFails(d, FailOn::kRisky));
    CHECK(GateFails(d, FailOn::kAdded));
    CHECK(GateFails(d, FailOn::kAny));
    CHECK_FALSE(GateFails(d, FailOn::kNever));
  }
  SECTION("with CAP_SYS_ADMIN, Docker's default allows mount too") {
    DiffResult d = DiffTexts(kBase, Edit("\"exit_group\"", "\"exit_group\", \"mount\""), Amd64(profile::AllCaps()));
    REQUIRE(Find(d, "mount"));
    CHECK(Find(d, "mount")->docker == Allowance::kAlways);
    CHECK(Find(d, "mount")->risk);  // still risky: the catalogue does not depend on Docker
  }
  SECTION("harmless: getpid") {
    DiffResult d = DiffTexts(kBase, Edit("\"exit_group\"", "\"exit_group\", \"getpid\""));
    const SyscallChange* c = Find(d, "getpid");
    REQUIRE(c);
    CHECK(c->kind == ChangeKind::kAdded);
    CHECK_FALSE(c->risk);
    CHECK(c->docker == Allowance::kAlways);
    CHECK(GateFails(d, FailOn::kAdded));
    CHECK_FALSE(GateFails(d, FailOn::kRisky));
  }
  SECTION("errno to allow: clone3 ENOSYS probe replaced by ALLOW") {
    DiffResult d =
        DiffTexts(kBase, Edit(R"("action": "SCMP_ACT_ERRNO", "errnoRet": 38)", R"("action": "SCMP_ACT_ALLOW")"));
    const SyscallChange* c = Find(d, "clone3");
    REQUIRE(c);
    CHECK(c->kind == ChangeKind::kAdded);
    CHECK(c->before.Describe() == "ERRNO(ENOSYS)");
    REQUIRE(c->risk);
    CHECK(c->docker == Allowance::kNever);  // Docker answers ENOSYS without CAP_SYS_ADMIN
  }
}

TEST_CASE("removed syscalls are reported and never fail added/risky gates", "[review][diff]") {
  DiffResult d = DiffTexts(kBase, Edit(R"("read", "write", )", R"("read", )"));
  const SyscallChange* c = Find(d, "write");
  REQUIRE(c);
  CHECK(c->kind == ChangeKind::kRemoved);
  CHECK(c->direction == Direction::kNarrowed);
  CHECK_FALSE(c->risk);
  CHECK(d.Counts().removed == 1);
  CHECK_FALSE(GateFails(d, FailOn::kAdded));
  CHECK_FALSE(GateFails(d, FailOn::kRisky));
  CHECK(GateFails(d, FailOn::kAny));
}

TEST_CASE("widened and narrowed conditions are changes with a direction", "[review][diff]") {
  SECTION("clone loses its namespace guard: widened and risky") {
    std::string b = Edit(R"(, "action": "SCMP_ACT_ALLOW",
     "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]})",
                         R"(, "action": "SCMP_ACT_ALLOW"})");
    DiffResult d = DiffTexts(kBase, b);
    const SyscallChange* c = Find(d, "clone");
    REQUIRE(c);
    CHECK(c->kind == ChangeKind::kChanged);
    CHECK(c->direction == Direction::kWidened);
    CHECK(c->before.allowance == Allowance::kConditional);
    CHECK(c->after.allowance == Allowance::kAlways);
    CHECK(c->before.Describe() == "ALLOW if arg0 & 0x7e020000 == 0 | else ERRNO(EPERM)");
    REQUIRE(c->risk);
    CHECK(c->risk->category == RiskCategory::kEscape);
    CHECK(c->docker == Allowance::kConditional);
    CHECK(GateFails(d, FailOn::kRisky));
    CHECK_FALSE(GateFails(d, FailOn::kAdded));  // nothing new, only wider
  }
  SECTION("clone's guard tightened to one value: narrowed, no risk") {
    DiffResult d = DiffTexts(kBase, Edit(R"("value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ")",
                                         R"("value": 17, "op": "SCMP_CMP_EQ")"));
    const SyscallChange* c = Find(d, "clone");
    REQUIRE(c);
    CHECK(c->kind == ChangeKind::kChanged);
    CHECK(c->direction == Direction::kOther);  // different rules: neither a superset nor a subset
    CHECK_FALSE(c->risk);                      // EQ 17 rules out every CLONE_NEW* flag
  }
  SECTION("personality gains a value: widened, risky") {
    DiffResult d = DiffTexts(
        kBase,
        Edit(
            R"({"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]},)",
            R"({"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]},
                       {"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]},)"));
    const SyscallChange* c = Find(d, "personality");
    REQUIRE(c);
    CHECK(c->direction == Direction::kWidened);
    REQUIRE(c->risk);
    CHECK(c->risk->category == RiskCategory::kKernelAttackSurface);
  }
  SECTION("read becomes conditional: narrowed") {
    std::string b = Edit(R"("read", )", "");
    b = Edit(
        R"({"names": ["chmod"])",
        R"({"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 3, "op": "SCMP_CMP_LT"}]},
                {"names": ["chmod"])",
        b);
    DiffResult d = DiffTexts(kBase, b);
    const SyscallChange* c = Find(d, "read");
    REQUIRE(c);
    CHECK(c->kind == ChangeKind::kChanged);
    CHECK(c->direction == Direction::kNarrowed);
    CHECK(c->after.Describe() == "ALLOW if arg0 < 3 | else ERRNO(EPERM)");
  }
  SECTION("errno changes on a denied syscall") {
    DiffResult d = DiffTexts(kBase, Edit(R"("names": ["chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1)",
                                         R"("names": ["chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13)"));
    const SyscallChange* c = Find(d, "chmod");
    REQUIRE(c);
    CHECK(c->kind == ChangeKind::kChanged);
    CHECK(c->before.Describe() == "default ERRNO(EPERM)");  // an explicit rule equal to the default is no rule
    CHECK(c->after.Describe() == "ERRNO(EACCES)");
    CHECK_FALSE(c->risk);
    CHECK_FALSE(GateFails(d, FailOn::kRisky));
    CHECK(GateFails(d, FailOn::kAny));
  }
  SECTION("an ENOSYS probe dropped: clone3 falls to EPERM") {
    DiffResult d = DiffTexts(kBase, Edit(R"("errnoRet": 38)", R"("errnoRet": 1)"));
    const SyscallChange* c = Find(d, "clone3");
    REQUIRE(c);
    CHECK(c->kind == ChangeKind::kChanged);
    CHECK(c->after.Describe() == "default ERRNO(EPERM)");
  }
}

TEST_CASE("default action changes", "[review][diff]") {
  SECTION("to KILL_PROCESS: changed, not widened") {
    DiffResult d = DiffTexts(kBase, Edit(R"("defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1)",
                                         R"("defaultAction": "SCMP_ACT_KILL_PROCESS")"));
    CHECK(d.DefaultChanged());
    CHECK_FALSE(d.DefaultWidened());
    CHECK_FALSE(d.Identical());
    CHECK(GateFails(d, FailOn::kAny));
    CHECK_FALSE(GateFails(d, FailOn::kRisky));
    // chmod keeps its explicit EPERM: it is now a rule of its own, with the same behaviour as before.
    CHECK_FALSE(Find(d, "chmod"));
  }
  SECTION("to ALLOW: every unlisted syscall is allowed, every gate fails") {
    DiffResult d = DiffTexts(kBase, Edit(R"("defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1)",
                                         R"("defaultAction": "SCMP_ACT_ALLOW")"));
    CHECK(d.DefaultWidened());
    CHECK(GateFails(d, FailOn::kAdded));
    CHECK(GateFails(d, FailOn::kRisky));
  }
  SECTION("only the default errno") {
    DiffResult d = DiffTexts(kBase, Edit(R"("defaultErrnoRet": 1)", R"("defaultErrnoRet": 38)"));
    CHECK(d.DefaultChanged());
    CHECK(d.new_default.errno_ret == 38);
    const SyscallChange* c = Find(d, "chmod");  // explicit EPERM now differs from the default, same behaviour
    CHECK_FALSE(c);
  }
}

TEST_CASE("arches added and removed", "[review][diff]") {
  SECTION("x86 added: what it allows is listed as added, risky ones tagged") {
    std::string a = Edit(R"("exit_group")", R"("exit_group", "ptrace")");
    std::string b = Edit(R"(["SCMP_ARCH_X86_64"])", R"(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"])", a);
    DiffResult d = DiffTexts(a, b);
    REQUIRE(d.arches.size() == 1);
    CHECK(d.arches[0].status == ArchStatus::kAdded);
    CHECK(sys::ArchByToken(d.arches[0].arch)->native == "x86");
    const SyscallChange* c = Find(d, "ptrace", "SCMP_ARCH_X86");
    REQUIRE(c);
    CHECK(c->kind == ChangeKind::kAdded);
    CHECK(c->before.Describe() == "arch not in filter");
    CHECK(c->risk);
    CHECK(Find(d, "read", "SCMP_ARCH_X86"));
    CHECK_FALSE(Find(d, "chmod", "SCMP_ARCH_X86"));  // denied there too: not listed
    CHECK(d.Counts().arches_added == 1);
    CHECK(GateFails(d, FailOn::kAdded));
    CHECK(GateFails(d, FailOn::kRisky));
  }
  SECTION("x86 removed") {
    std::string a = Edit(R"(["SCMP_ARCH_X86_64"])", R"(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"])");
    DiffResult d = DiffTexts(a, kBase);
    REQUIRE(d.arches.size() == 1);
    CHECK(d.arches[0].status == ArchStatus::kRemoved);
    CHECK(Find(d, "read", "SCMP_ARCH_X86")->kind == ChangeKind::kRemoved);
    CHECK(d.Counts().arches_removed == 1);
    CHECK_FALSE(GateFails(d, FailOn::kAdded));
  }
  SECTION("archMap: only the host's entry counts") {
    std::string a =
        Edit(R"("architectures": ["SCMP_ARCH_X86_64"])",
             R"("archMap": [{"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}])");
    CHECK(DiffTexts(a, kBase).Identical());  // on amd64 the arm64 entry adds nothing
  }
}

TEST_CASE("seccomp switched off", "[review][diff]") {
  DiffResult d = DiffTexts(kBase, "{}");
  CHECK(d.SeccompSwitchedOff());
  CHECK_FALSE(d.Identical());
  CHECK(GateFails(d, FailOn::kAdded));
  CHECK(GateFails(d, FailOn::kRisky));
  DiffResult back = DiffTexts("{}", kBase);
  CHECK(back.SeccompChanged());
  CHECK_FALSE(back.SeccompSwitchedOff());
  CHECK_FALSE(GateFails(back, FailOn::kRisky));
  CHECK(DiffTexts("{}", "{}").Identical());
}

TEST_CASE("markdown: a summary line and a table ready for a pull request", "[review][diff][format]") {
  std::string b = Edit(R"("read", "write", )", R"("read", "mount", )");
  b = Edit(R"(, "action": "SCMP_ACT_ALLOW",
     "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]})",
           R"(, "action": "SCMP_ACT_ALLOW"})", b);
  DiffResult d = DiffTexts(kBase, b);
  const std::string md = FormatDiffMarkdown(d, {"old.json", "new.json", FailOn::kRisky});
  INFO(md);
  CHECK(md.rfind("### Seccomp profile diff: 1 added (2 risky), 1 removed, 1 changed\n\n", 0) == 0);
  CHECK(md.find("`old.json` → `new.json`, effective policy for docker, amd64, default caps, kernel 6.1. "
                "**Gate `--fail-on risky`: failed.**\n") != std::string::npos);
  CHECK(md.find("| | syscall | arches | old | new | origin | risk | Docker default |\n|---|---|---|---|---|---|---|---|\n") !=
        std::string::npos);
  CHECK(md.find("| added | `mount` | amd64 | `default ERRNO(EPERM)` | `ALLOW` |  | :warning: **escape**: can mount "
                "filesystems and remount host paths read-write; a container-escape primitive | denied |\n") !=
        std::string::npos);
  // Conditions contain '|' separators: escaped inside the table cell.
  CHECK(md.find("| widened | `clone` | amd64 | `ALLOW if arg0 & 0x7e020000 == 0 \\| else ERRNO(EPERM)` | `ALLOW` |  | "
                ":warning: **escape**") != std::string::npos);
  CHECK(md.find("| removed | `write` | amd64 | `ALLOW` | `default ERRNO(EPERM)` |  |  | allowed |\n") !=
        std::string::npos);

  const std::string same = FormatDiffMarkdown(DiffTexts(kBase, kBase), {"a.json", "b.json", FailOn::kAny});
  CHECK(same ==
        "### Seccomp profile diff: no effective difference\n\n`a.json` → `b.json`, effective policy for "
        "docker, amd64, default caps, kernel 6.1. Gate `--fail-on any`: passed.\n");
}

TEST_CASE("json: the documented schema", "[review][diff][format]") {
  std::string b = Edit(R"("read", "write", )", R"("read", "mount", )");
  b = Edit(R"(["SCMP_ARCH_X86_64"])", R"(["SCMP_ARCH_X86_64", "SCMP_ARCH_X32"])", b);
  DiffResult d = DiffTexts(kBase, b);
  const json j = json::parse(FormatDiff(d, {"old.json", "new.json", FailOn::kAdded}, OutputFormat::kJson, false));
  INFO(j.dump(2));
  CHECK(j["profilegen"] == "diff");
  CHECK(j["version"] == 1);
  CHECK(j["old"] == "old.json");
  CHECK(j["new"] == "new.json");
  CHECK(j["target"] == json::parse(R"({"engine": "docker", "arch": "SCMP_ARCH_X86_64", "kernel": "6.1",
      "caps": ["CAP_AUDIT_WRITE", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
               "CAP_MKNOD", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP",
               "CAP_SETUID", "CAP_SYS_CHROOT"]})"));
  CHECK(j["identical"] == false);
  CHECK(j["summary"]["added"] == 5);  // mount on amd64; read, mount, exit_group, clone, personality on x32
  CHECK(j["summary"]["removed"] == 1);
  CHECK(j["summary"]["arches_added"] == 1);
  CHECK(j["summary"]["default_changed"] == false);
  CHECK(j["seccomp"] == json::parse(R"({"old": "on", "new": "on"})"));
  CHECK(j["default_action"]["old"] == json::parse(R"({"action": "SCMP_ACT_ERRNO", "errnoRet": 1})"));
  REQUIRE(j["arches"].size() == 2);
  const json& amd64 = j["arches"][0];
  CHECK(amd64["arch"] == "SCMP_ARCH_X86_64");
  CHECK(amd64["status"] == "both");
  const json& mount = amd64["syscalls"][0];
  CHECK(mount["name"] == "mount");
  CHECK(mount["change"] == "added");
  CHECK(mount["direction"] == "widened");
  CHECK(mount["old"] == json::parse(R"J({"allowance": "denied", "in_filter": true, "default": true,
      "rules": [{"action": "SCMP_ACT_ERRNO", "errnoRet": 1, "args": []}], "text": "default ERRNO(EPERM)",
      "origin": "unlabelled"})J"));
  CHECK(mount["new"]["allowance"] == "allowed");
  CHECK(mount["new"]["rules"] == json::parse(R"([{"action": "SCMP_ACT_ALLOW", "args": []}])"));
  CHECK(mount["risk"]["category"] == "escape");
  CHECK(mount["docker_default"] == "denied");
  CHECK(amd64["syscalls"][1]["name"] == "write");
  CHECK(amd64["syscalls"][1]["risk"].is_null());
  const json& x32 = j["arches"][1];
  CHECK(x32["arch"] == "SCMP_ARCH_X32");
  CHECK(x32["status"] == "added");
  bool clone_found = false;
  for (const auto& s : x32["syscalls"]) {
    if (s["name"] != "clone") continue;
    clone_found = true;
    CHECK(s["new"]["allowance"] == "conditional");
    CHECK(s["new"]["rules"][0]["args"][0] ==
          json::parse(R"({"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"})"));
    CHECK(s["risk"].is_null());  // guarded
  }
  CHECK(clone_found);
  CHECK(j["gate"] == json::parse(R"({"fail_on": "added", "failed": true})"));
}

TEST_CASE("text output: one line per change, grouped over arches; colour only when asked", "[review][diff][format]") {
  std::string a = Edit(R"(["SCMP_ARCH_X86_64"])", R"(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"])");
  std::string b = Edit(R"("exit_group")", R"("exit_group", "bpf")", a);
  DiffResult d = DiffTexts(a, b);
  const std::string text = FormatDiffText(d, {"a.json", "b.json"}, false);
  INFO(text);
  CHECK(text ==
        "profilegen diff a.json -> b.json (docker, amd64, default caps, kernel 6.1)\n"
        "+ bpf  [amd64,x86] default ERRNO(EPERM) -> ALLOW\n"
        "       risk: kernel-attack-surface: loads programs into the kernel: a large verifier surface with a history "
        "of exploits; Docker default: denied\n"
        "1 added (1 risky), 0 removed, 0 changed\n");
  CHECK(text.find('\033') == std::string::npos);
  CHECK(FormatDiffText(d, {"a.json", "b.json"}, true).find("\033[31m") != std::string::npos);
}

TEST_CASE("markdown: long tables fold into <details>", "[review][diff][format]") {
  std::string names;
  const auto& all = sys::NamesOn(sys::ArchByNativeName("amd64")->token);
  for (size_t i = 0; i < 45; ++i) names += ", \"" + all[i * 5] + "\"";
  DiffResult d = DiffTexts(kBase, Edit("\"exit_group\"", "\"exit_group\"" + names));
  const std::string md = FormatDiffMarkdown(d, {"a", "b"});
  INFO(md);
  const size_t rows = static_cast<size_t>(std::count(md.begin(), md.end(), '\n'));
  CHECK(rows > 45);
  CHECK(md.find("\n<details><summary>") != std::string::npos);
  CHECK(md.find(" changes</summary>\n\n| | syscall |") != std::string::npos);
  CHECK(md.size() > 100);
  CHECK(md.substr(md.size() - 14) == "|\n\n</details>\n");
}

// The built binary: diff's gate and exit codes, audit and export end to end.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "helpers.h"

using nlohmann::json;
using review_test::Profilegen;
using review_test::ShellQuote;
using review_test::TempDir;

namespace {

const std::string kBase = R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
  "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"}]})";

std::string With(const std::string& extra_names) {
  std::string t = kBase;
  t.replace(t.find("\"exit_group\""), 12, "\"exit_group\"" + extra_names);
  return t;
}

struct Files {
  TempDir dir;
  std::string base = dir.Write("base.json", kBase);
  std::string same = dir.Write("same.json", R"({"syscalls": [{"action": "SCMP_ACT_ALLOW", "comment": "reordered",
      "names": ["exit_group", "write"]}, {"names": ["read"], "action": "SCMP_ACT_ALLOW"}],
      "architectures": ["SCMP_ARCH_X86_64"], "defaultAction": "SCMP_ACT_ERRNO"})");
  std::string harmless = dir.Write("harmless.json", With(", \"getpid\""));
  std::string risky = dir.Write("risky.json", With(", \"getpid\", \"ptrace\""));
  std::string removed = dir.Write("removed.json", R"({"defaultAction": "SCMP_ACT_ERRNO",
      "architectures": ["SCMP_ARCH_X86_64"], "syscalls": [{"names": ["read", "exit_group"], "action": "SCMP_ACT_ALLOW"}]})");
  std::string broken = dir.Write("broken.json", R"({"defaultAction": "SCMP_ACT_ERRNOO", "syscalls": [
      {"names": ["read"], "action": "SCMP_ACT_ALOW"}]})");
  std::string malformed = dir.Write("malformed.json", "{\"defaultAction\": \n  \"SCMP_ACT_ERRNO\",,}");
};

std::string Q(const std::string& s) { return ShellQuote(s); }

}  // namespace

TEST_CASE("diff gate: exit codes for each --fail-on", "[review][cli]") {
  Files f;
  struct Case {
    std::string old_path, new_path, fail_on;
    int exit_code;
  };
  const std::vector<Case> cases = {
      {f.base, f.same, "any", 0},       {f.base, f.same, "added", 0},    {f.base, f.same, "risky", 0},
      {f.base, f.harmless, "", 0},      {f.base, f.harmless, "any", 1},  {f.base, f.harmless, "added", 1},
      {f.base, f.harmless, "risky", 0}, {f.base, f.risky, "risky", 1},   {f.base, f.risky, "added", 1},
      {f.base, f.removed, "any", 1},    {f.base, f.removed, "added", 0}, {f.base, f.removed, "risky", 0},
      {f.risky, f.base, "risky", 0},    {f.base, f.risky, "never", 0},
  };
  for (const auto& c : cases) {
    const std::string args =
        "diff " + (c.fail_on.empty() ? "" : "--fail-on " + c.fail_on + " ") + Q(c.old_path) + " " + Q(c.new_path);
    INFO(args);
    const auto r = Profilegen(args);
    INFO(r.out + r.err);
    CHECK(r.exit_code == c.exit_code);
    CHECK(r.err.empty());
  }
}

TEST_CASE("diff: usage errors and unreadable input exit 2", "[review][cli]") {
  Files f;
  SECTION("missing file") {
    const auto r = Profilegen("diff " + Q(f.base) + " " + Q(f.dir.path() + "/nope.json"));
    CHECK(r.exit_code == 2);
    CHECK(r.err == "profilegen: error: cannot read " + f.dir.path() + "/nope.json: No such file or directory\n");
    CHECK(r.out.empty());
  }
  SECTION("parse errors are all listed") {
    const auto r = Profilegen("diff --fail-on any " + Q(f.base) + " " + Q(f.broken));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(f.broken + ": defaultAction: error: unknown action \"SCMP_ACT_ERRNOO\" (did you mean "
                                "SCMP_ACT_ERRNO?)") != std::string::npos);
    CHECK(r.err.find(f.broken + ": syscalls[0].action: error: unknown action \"SCMP_ACT_ALOW\"") != std::string::npos);
    CHECK(r.out.empty());
  }
  SECTION("malformed JSON: line and column") {
    const auto r = Profilegen("diff " + Q(f.malformed) + " " + Q(f.base));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("malformed JSON at line 2, column") != std::string::npos);
  }
  SECTION("bad options") {
    CHECK(Profilegen("diff --format xml " + Q(f.base) + " " + Q(f.base)).exit_code == 2);
    CHECK(Profilegen("diff --fail-on sometimes " + Q(f.base) + " " + Q(f.base)).exit_code == 2);
    CHECK(Profilegen("diff " + Q(f.base)).exit_code == 2);
    const auto caps = Profilegen("diff --caps CAP_SYS_ADMN " + Q(f.base) + " " + Q(f.base));
    CHECK(caps.exit_code == 2);
    CHECK(caps.err.find("(did you mean CAP_SYS_ADMIN?)") != std::string::npos);
    const auto arch = Profilegen("diff --arch amd46 " + Q(f.base) + " " + Q(f.base));
    CHECK(arch.exit_code == 2);
    CHECK(arch.err.find("did you mean amd64?") != std::string::npos);
    CHECK(Profilegen("diff --kernel 6 " + Q(f.base) + " " + Q(f.base)).exit_code == 2);
    CHECK(Profilegen("diff --target lxc " + Q(f.base) + " " + Q(f.base)).exit_code == 2);
  }
}

TEST_CASE("diff: target options change the answer", "[review][cli]") {
  TempDir d;
  // mount only for CAP_SYS_ADMIN holders; ptrace only from kernel 4.8.
  const std::string a = d.Write("a.json", kBase);
  const std::string b = d.Write("b.json", R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
    "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"},
                 {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
                 {"names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "4.8"}}]})");
  CHECK(Profilegen("diff --fail-on risky --kernel 4.4 " + Q(a) + " " + Q(b)).exit_code == 0);
  CHECK(Profilegen("diff --fail-on risky --kernel 4.8 " + Q(a) + " " + Q(b)).exit_code == 1);
  const auto admin = Profilegen("diff --format json --kernel 4.4 --caps sys_admin " + Q(a) + " " + Q(b));
  REQUIRE(admin.exit_code == 0);
  const json j = json::parse(admin.out);
  CHECK(j["target"]["caps"] == json::parse(R"(["CAP_SYS_ADMIN"])"));
  CHECK(j["arches"][0]["syscalls"][0]["name"] == "mount");
  CHECK(j["arches"][0]["syscalls"].size() == 1);
  // podman ignores minKernel: ptrace is added whatever the kernel.
  CHECK(Profilegen("diff --fail-on risky --kernel 4.4 --target podman " + Q(a) + " " + Q(b)).exit_code == 1);
  // arm64: the profile's only arch is x86_64, so on arm64 both are the native arch alone.
  CHECK(Profilegen("diff --fail-on any --arch arm64 --kernel 4.4 " + Q(a) + " " + Q(b)).exit_code == 0);
}

TEST_CASE("diff: reordered copies of Docker's default, through the binary", "[review][cli]") {
  TempDir d;
  json j = json::parse(profilegen::ReadFile(review_test::kMoby));
  std::reverse(j["syscalls"].begin(), j["syscalls"].end());
  const std::string copy = d.Write("copy.json", j.dump(2));
  const auto r = Profilegen("diff --fail-on any " + Q(review_test::kMoby) + " " + Q(copy));
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("\nno effective difference; gate --fail-on any: passed\n") != std::string::npos);
}

TEST_CASE("diff output formats through the binary", "[review][cli]") {
  Files f;
  const auto md = Profilegen("diff --format markdown --kernel 6.1 " + Q(f.base) + " " + Q(f.risky));
  REQUIRE(md.exit_code == 0);
  CHECK(md.out.rfind("### Seccomp profile diff: 2 added (1 risky), 0 removed, 0 changed\n", 0) == 0);
  CHECK(md.out.find("| added | `ptrace` | amd64 | `default ERRNO(EPERM)` | `ALLOW` |  | :warning: **escape**: ") !=
        std::string::npos);
  const auto js = Profilegen("diff --format json " + Q(f.base) + " " + Q(f.risky));
  REQUIRE(js.exit_code == 0);
  const json j = json::parse(js.out);
  CHECK(j["summary"]["added"] == 2);
  CHECK(j["summary"]["risky"] == 1);
  const auto text = Profilegen("diff " + Q(f.base) + " " + Q(f.risky));
  CHECK(text.out.find('\033') == std::string::npos);  // not a terminal
  CHECK(text.out.find("+ ptrace  [amd64] default ERRNO(EPERM) -> ALLOW\n") != std::string::npos);
}

TEST_CASE("audit through the binary", "[review][cli]") {
  Files f;
  const auto r = Profilegen("audit --format json " + Q(f.risky));
  REQUIRE(r.exit_code == 0);
  const json j = json::parse(r.out);
  CHECK(j["risky"][0]["name"] == "ptrace");
  const auto moby = Profilegen("audit " + Q(review_test::kMoby));
  CHECK(moby.exit_code == 0);
  CHECK(moby.out.find("0 beyond Docker's default") != std::string::npos);
  CHECK(Profilegen("audit " + Q(f.broken)).exit_code == 2);
  CHECK(Profilegen("audit --format markdown " + Q(f.base)).out.rfind("### Seccomp profile audit: ", 0) == 0);
}

TEST_CASE("export through the binary", "[review][cli]") {
  TempDir d;
  const std::string out = d.path() + "/seccomp.json";
  const auto r = Profilegen("export --format oci --caps all -o " + Q(out) + " " + Q(review_test::kMoby));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.empty());
  const json oci = json::parse(profilegen::ReadFile(out));
  CHECK(oci["architectures"][0] == "SCMP_ARCH_X86_64");
  bool mount = false;
  for (const auto& s : oci["syscalls"]) {
    for (const auto& n : s["names"]) mount = mount || n == "mount";
  }
  CHECK(mount);  // CAP_SYS_ADMIN entries included with --caps all

  const auto k = Profilegen("export --format kubernetes --name web-api " + Q(review_test::kMoby));
  REQUIRE(k.exit_code == 0);
  CHECK(k.out.find("\napiVersion: security-profiles-operator.x-k8s.io/v1beta1\nkind: SeccompProfile\nmetadata:\n"
                   "  name: web-api\nspec:\n  defaultAction: SCMP_ACT_ERRNO\n") != std::string::npos);
  const auto kdef = Profilegen("export --format kubernetes " + Q(review_test::kMoby));
  CHECK(kdef.out.find("  name: moby-default\n") != std::string::npos);

  CHECK(Profilegen("export --format kubernetes --name Web_API " + Q(review_test::kMoby)).exit_code == 2);
  CHECK(Profilegen("export " + Q(review_test::kMoby)).exit_code == 2);  // --format is required
  CHECK(Profilegen("export --format yaml " + Q(review_test::kMoby)).exit_code == 2);
  const std::string off = d.Write("off.json", "{}");
  const auto o = Profilegen("export --format oci " + Q(off));
  CHECK(o.exit_code == 2);
  CHECK(o.err.find("switches seccomp off") != std::string::npos);
  // An unwritable output leaves nothing behind and says where.
  const auto w = Profilegen("export --format oci -o /nonexistent-dir/x.json " + Q(review_test::kMoby));
  CHECK(w.exit_code == 2);
  CHECK(w.err.find("/nonexistent-dir/x.json") != std::string::npos);
}

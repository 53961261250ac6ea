// export: the OCI linux.seccomp object and the SeccompProfile resource.
#include "review/export.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "helpers.h"
#include "tests/support/skip.h"

using namespace profilegen;
using namespace profilegen::review;
using nlohmann::json;
using review_test::Amd64;
using review_test::Parse;

namespace {

bool HasName(const json& syscalls, const std::string& name) {
  for (const auto& s : syscalls) {
    for (const auto& n : s["names"]) {
      if (n == name) return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("OCI: Docker's default resolved for amd64 with default capabilities", "[review][export]") {
  const profile::Profile moby = Parse(ReadFile(review_test::kMoby));
  const json oci = json::parse(ToOciSeccomp(ResolveForEngine(moby, Amd64())).dump());
  CHECK(oci["defaultAction"] == "SCMP_ACT_ERRNO");
  CHECK(oci["defaultErrnoRet"] == 1);
  CHECK(oci["architectures"] == json::parse(R"(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"])"));
  CHECK_FALSE(oci.contains("archMap"));
  for (const auto& s : oci["syscalls"]) {
    CHECK_FALSE(s.contains("includes"));
    CHECK_FALSE(s.contains("excludes"));
    CHECK_FALSE(s.contains("comment"));
    for (const auto& [key, _] : s.items())
      CHECK((key == "names" || key == "action" || key == "errnoRet" || key == "args"));
  }
  CHECK(HasName(oci["syscalls"], "read"));
  CHECK_FALSE(HasName(oci["syscalls"], "mount"));             // needs CAP_SYS_ADMIN
  CHECK(HasName(oci["syscalls"], "arch_prctl"));              // includes arches amd64
  CHECK_FALSE(HasName(oci["syscalls"], "sync_file_range2"));  // includes arches arm/arm64/ppc only
  bool clone_guard = false;
  for (const auto& s : oci["syscalls"]) {
    if (s["names"] == json::parse(R"(["clone"])") && s.contains("args")) {
      clone_guard = true;
      CHECK(s["args"] ==
            json::parse(R"([{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}])"));
    }
    if (s["names"] == json::parse(R"(["clone3"])")) {
      CHECK(s["action"] == "SCMP_ACT_ERRNO");
      CHECK(s["errnoRet"] == 38);
    }
  }
  CHECK(clone_guard);

  const json admin = ToOciSeccomp(ResolveForEngine(moby, Amd64(profile::AllCaps())));
  CHECK(HasName(admin["syscalls"], "mount"));

  profile::Target arm = Amd64();
  arm.arch = sys::ArchByNativeName("arm64")->token;
  const json oci_arm = ToOciSeccomp(ResolveForEngine(moby, arm));
  CHECK(oci_arm["architectures"] == json::parse(R"(["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"])"));
  CHECK_FALSE(HasName(oci_arm["syscalls"], "arch_prctl"));
  CHECK(HasName(oci_arm["syscalls"], "sync_file_range2"));
}

TEST_CASE("OCI: key order and field names", "[review][export]") {
  const profile::Profile p = Parse(R"({"syscalls": [{"comment": "x", "args": [{"op": "SCMP_CMP_LE", "value": 5,
      "index": 2}], "errnoRet": 13, "action": "SCMP_ACT_ERRNO", "names": ["chmod"]}], "flags": ["SECCOMP_FILTER_FLAG_LOG"],
      "architectures": ["SCMP_ARCH_X86_64"], "defaultAction": "SCMP_ACT_ALLOW"})");
  CHECK(ToOciSeccomp(ResolveForEngine(p, Amd64())).dump() ==
        R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],"flags":["SECCOMP_FILTER_FLAG_LOG"],)"
        R"("syscalls":[{"names":["chmod"],"action":"SCMP_ACT_ERRNO","errnoRet":13,)"
        R"("args":[{"index":2,"value":5,"valueTwo":0,"op":"SCMP_CMP_LE"}]}]})");
}

TEST_CASE("OCI: a profile that switches seccomp off has nothing to export", "[review][export]") {
  try {
    ResolveForEngine(Parse("{}"), Amd64());
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.exit_code() == kExitUsage);
    CHECK(std::string(e.what()).find("switches seccomp off") != std::string::npos);
  }
}

TEST_CASE("YAML scalars are quoted when a plain scalar would be read differently", "[review][export]") {
  CHECK(YamlString("SCMP_ACT_ALLOW") == "SCMP_ACT_ALLOW");
  CHECK(YamlString("_llseek") == "_llseek");
  CHECK(YamlString("my-app.v2") == "my-app.v2");
  CHECK(YamlString("") == "\"\"");
  CHECK(YamlString("yes") == "\"yes\"");
  CHECK(YamlString("Off") == "\"Off\"");
  CHECK(YamlString("null") == "\"null\"");
  CHECK(YamlString("123") == "\"123\"");
  CHECK(YamlString("1e3") == "\"1e3\"");
  CHECK(YamlString("a: b") == "\"a: b\"");
  CHECK(YamlString("#x") == "\"#x\"");
  CHECK(YamlString("say \"hi\"\n\\") == "\"say \\\"hi\\\"\\n\\\\\"");
  CHECK(YamlString(std::string("\x01", 1)) == "\"\\x01\"");
}

TEST_CASE("SeccompProfile YAML: exact form", "[review][export]") {
  const profile::Profile p = Parse(R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
      "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"]}],
      "syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
                   {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
                    "args": [{"index": 0, "value": 2114060288, "op": "SCMP_CMP_MASKED_EQ"}]},
                   {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
                   {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]})");
  const profile::Profile resolved = ResolveForEngine(p, Amd64());
  CHECK(ToSeccompProfileYaml(resolved, "my-app", "made by a test") ==
        "# made by a test\n"
        "apiVersion: security-profiles-operator.x-k8s.io/v1beta1\n"
        "kind: SeccompProfile\n"
        "metadata:\n"
        "  name: my-app\n"
        "spec:\n"
        "  defaultAction: SCMP_ACT_ERRNO\n"
        "  architectures:\n"
        "    - SCMP_ARCH_X86_64\n"
        "    - SCMP_ARCH_X86\n"
        "  syscalls:\n"
        "    - action: SCMP_ACT_ALLOW\n"
        "      names:\n"
        "        - read\n"
        "        - write\n"
        "    - action: SCMP_ACT_ALLOW\n"
        "      names:\n"
        "        - clone\n"
        "      args:\n"
        "        - index: 0\n"
        "          value: 2114060288\n"
        "          valueTwo: 0\n"
        "          op: SCMP_CMP_MASKED_EQ\n"
        "    - action: SCMP_ACT_ERRNO\n"
        "      errnoRet: 38\n"
        "      names:\n"
        "        - clone3\n");
  CHECK(KubernetesWarnings(resolved).empty());
  profile::Profile enosys_default = resolved;
  enosys_default.default_errno_ret = 38;
  REQUIRE(KubernetesWarnings(enosys_default).size() == 1);
  CHECK(KubernetesWarnings(enosys_default)[0].find("no defaultErrnoRet") != std::string::npos);
}

TEST_CASE("SeccompProfile YAML of Docker's default reads back as the OCI object (PyYAML)", "[review][export]") {
  if (review_test::Run("python3 -c 'import yaml'").exit_code != 0) {
    support::Skip("the SeccompProfile YAML round trip", "python3 with PyYAML is not installed");
    return;
  }
  review_test::TempDir tmp;
  const profile::Profile resolved = ResolveForEngine(Parse(ReadFile(review_test::kMoby)), Amd64());
  const std::string yaml_path =
      tmp.Write("p.yaml", ToSeccompProfileYaml(resolved, "moby-default", "odd header: \"quotes\" # and hashes"));
  const auto r = review_test::Run(
      "python3 -c 'import sys, yaml, json; d = yaml.safe_load(open(sys.argv[1])); json.dump(d, sys.stdout)' " +
      yaml_path);
  REQUIRE(r.exit_code == 0);
  const json doc = json::parse(r.out);
  CHECK(doc["apiVersion"] == "security-profiles-operator.x-k8s.io/v1beta1");
  CHECK(doc["kind"] == "SeccompProfile");
  CHECK(doc["metadata"]["name"] == "moby-default");
  json oci = json::parse(ToOciSeccomp(resolved).dump());
  // The CRD has no defaultErrnoRet; everything else must read back identically (key order aside).
  oci.erase("defaultErrnoRet");
  CHECK(doc["spec"] == oci);
}

TEST_CASE("resource names", "[review][export]") {
  CHECK(DefaultResourceName("profiles/My_App.json") == "my-app");
  CHECK(DefaultResourceName("seccomp.profile.json") == "seccomp-profile");
  CHECK(DefaultResourceName("-") == "profilegen-profile");
  CHECK(DefaultResourceName("__.json") == "profilegen-profile");
  CHECK_NOTHROW(CheckResourceName("web.prod-1"));
  CHECK_THROWS_AS(CheckResourceName("Web"), Error);
  CHECK_THROWS_AS(CheckResourceName("-x"), Error);
  CHECK_THROWS_AS(CheckResourceName("x-"), Error);
  CHECK_THROWS_AS(CheckResourceName(""), Error);
  CHECK_THROWS_AS(CheckResourceName(std::string(254, 'a')), Error);
}

#include "profile/writer.h"

#include <catch2/catch.hpp>

#include "test_util.h"

using namespace profilegen::profile;
using namespace profilegen::profile::testing;

TEST_CASE("writer round-trips the real profiles", "[profile][writer][fixture]") {
  for (const char* name : {"moby-default.json", "containers-common.json"}) {
    INFO(name);
    ParseResult original = ParseProfile(Fixture(name));
    REQUIRE_FALSE(original.HasErrors());
    const std::string written = WriteProfile(original.profile);
    ParseResult again = ParseProfile(written);
    CHECK_FALSE(again.HasErrors());
    CHECK(again.profile == original.profile);
    // The same diagnostics: the canonical form changes no meaning.
    CHECK(FormatAll(again, "f") == FormatAll(original, "f"));
    CHECK(WriteProfile(again.profile) == written);  // byte-identical
  }
}

TEST_CASE("canonical form: key order, omitted empty keys, uint64 as integers", "[profile][writer]") {
  Profile p;
  p.default_action = Action::kErrno;
  p.default_errno_ret = 1;
  p.podman_default_errno = "EPERM";
  p.arch_map = {{"SCMP_ARCH_X86_64", {"SCMP_ARCH_X86"}}};
  p.flags = std::vector<std::string>{};
  Rule allow;
  allow.names = {"read", "write"};
  allow.action = Action::kAllow;
  Rule guarded;
  guarded.names = {"personality"};
  guarded.action = Action::kKillThread;
  guarded.args = {{0, UINT64_MAX, 0, Op::kEq}, {1, 0x7E020000, 0, Op::kMaskedEq}};
  guarded.comment = "why";
  guarded.includes.caps = {"CAP_SYS_ADMIN"};
  guarded.excludes.arches = {"s390x"};
  guarded.excludes.min_kernel = "5.4";
  Rule errno_rule;
  errno_rule.names = {"clone3"};
  errno_rule.action = Action::kErrno;
  errno_rule.errno_ret = 38;
  errno_rule.podman_errno = "ENOSYS";
  p.syscalls = {allow, guarded, errno_rule};

  const std::string expected = R"({
    "defaultAction": "SCMP_ACT_ERRNO",
    "defaultErrnoRet": 1,
    "defaultErrno": "EPERM",
    "archMap": [
        {
            "architecture": "SCMP_ARCH_X86_64",
            "subArchitectures": [
                "SCMP_ARCH_X86"
            ]
        }
    ],
    "flags": [],
    "syscalls": [
        {
            "names": [
                "read",
                "write"
            ],
            "action": "SCMP_ACT_ALLOW"
        },
        {
            "names": [
                "personality"
            ],
            "action": "SCMP_ACT_KILL_THREAD",
            "args": [
                {
                    "index": 0,
                    "value": 18446744073709551615,
                    "valueTwo": 0,
                    "op": "SCMP_CMP_EQ"
                },
                {
                    "index": 1,
                    "value": 2114060288,
                    "valueTwo": 0,
                    "op": "SCMP_CMP_MASKED_EQ"
                }
            ],
            "comment": "why",
            "includes": {
                "caps": [
                    "CAP_SYS_ADMIN"
                ]
            },
            "excludes": {
                "arches": [
                    "s390x"
                ],
                "minKernel": "5.4"
            }
        },
        {
            "names": [
                "clone3"
            ],
            "action": "SCMP_ACT_ERRNO",
            "errnoRet": 38,
            "errno": "ENOSYS"
        }
    ]
}
)";
  CHECK(WriteProfile(p) == expected);
  ParseResult r = ParseProfile(expected);
  CHECK(r.profile == p);
}

TEST_CASE("writer: seccomp-off and architectures profiles", "[profile][writer]") {
  CHECK(WriteProfile(Profile{}) == "{}\n");
  Profile p;
  p.default_action = Action::kAllow;
  p.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"};
  p.listener_path = "/run/agent.sock";
  CHECK(WriteProfile(p) == R"({
    "defaultAction": "SCMP_ACT_ALLOW",
    "architectures": [
        "SCMP_ARCH_X86_64",
        "SCMP_ARCH_X86"
    ],
    "listenerPath": "/run/agent.sock"
}
)");
  CHECK(ParseProfile(WriteProfile(p)).profile == p);
}

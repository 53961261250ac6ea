#include "profile/model.h"

#include <catch2/catch.hpp>

using namespace profilegen::profile;

TEST_CASE("actions: every spelling, KILL is KILL_THREAD", "[profile][model]") {
  CHECK(ActionFromString("SCMP_ACT_KILL") == Action::kKillThread);
  CHECK(ActionFromString("SCMP_ACT_KILL_THREAD") == Action::kKillThread);
  CHECK(ActionFromString("SCMP_ACT_KILL_PROCESS") == Action::kKillProcess);
  CHECK(ActionFromString("SCMP_ACT_NOTIFY") == Action::kNotify);
  CHECK_FALSE(ActionFromString("scmp_act_allow"));
  CHECK_FALSE(ActionFromString(""));
  CHECK(ActionName(Action::kKillThread) == "SCMP_ACT_KILL_THREAD");
  CHECK(ActionNames().size() == 9);
  for (const auto& name : ActionNames()) {
    auto a = ActionFromString(name);
    REQUIRE(a);
    CHECK(ActionFromString(ActionName(*a)) == a);
  }
  CHECK(ActionTakesErrno(Action::kErrno));
  CHECK(ActionTakesErrno(Action::kTrace));
  CHECK_FALSE(ActionTakesErrno(Action::kAllow));
}

TEST_CASE("operators round-trip", "[profile][model]") {
  CHECK(OpNames().size() == 7);
  for (const auto& name : OpNames()) {
    auto op = OpFromString(name);
    REQUIRE(op);
    CHECK(OpName(*op) == name);
  }
  CHECK_FALSE(OpFromString("SCMP_CMP_EQUAL"));
}

TEST_CASE("podman errno strings: names and decimal numbers", "[profile][model]") {
  CHECK(ErrnoFromString("EPERM") == 1u);
  CHECK(ErrnoFromString("ENOSYS") == 38u);
  CHECK(ErrnoFromString("EWOULDBLOCK") == 11u);
  CHECK(ErrnoFromString("22") == 22u);
  CHECK_FALSE(ErrnoFromString("EPREM"));
  CHECK_FALSE(ErrnoFromString("-1"));
  CHECK_FALSE(ErrnoFromString(""));
  CHECK(ErrnoLabel(1) == "EPERM = 1");
  CHECK(ErrnoLabel(0) == "0");
}

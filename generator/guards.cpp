#include "generator/guards.h"

#include <sched.h>
#include <sys/socket.h>

#include "base/hex.h"

namespace profilegen::generator {

static_assert((CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |
               CLONE_NEWNET) == kCloneNamespaceMask,
              "Docker's clone namespace mask");

constexpr GuardSpec kGuards[] = {
    {"clone", 0, ArgPolicy::kGuard, "flags", ValueStyle::kHex},
    {"personality", 0, ArgPolicy::kGuard, "persona", ValueStyle::kHex},
    {"socket", 0, ArgPolicy::kGuard, "domain", ValueStyle::kSocketDomain},
    {"socketpair", 0, ArgPolicy::kGuard, "domain", ValueStyle::kSocketDomain},
    {"ioctl", 1, ArgPolicy::kStrict, "request", ValueStyle::kHex},
    {"prctl", 0, ArgPolicy::kStrict, "option", ValueStyle::kDecimal},
    {"setns", 1, ArgPolicy::kStrict, "nstype", ValueStyle::kHex},
    {"unshare", 0, ArgPolicy::kStrict, "flags", ValueStyle::kHex},
};

const GuardSpec* FindGuard(std::string_view name) {
  for (const GuardSpec& g : kGuards)
    if (g.name == name) return &g;
  return nullptr;
}

namespace {

std::string SocketDomainName(uint64_t v) {
  switch (v) {
    case AF_UNIX:
      return "AF_UNIX";
    case AF_INET:
      return "AF_INET";
    case AF_INET6:
      return "AF_INET6";
    case AF_NETLINK:
      return "AF_NETLINK";
    case AF_PACKET:
      return "AF_PACKET";
    case AF_VSOCK:
      return "AF_VSOCK";
    default:
      return "";
  }
}

}  // namespace

std::string FormatValue(uint64_t v, ValueStyle style) {
  switch (style) {
    case ValueStyle::kHex:
      return Hex(v);
    case ValueStyle::kSocketDomain: {
      std::string n = SocketDomainName(v);
      return n.empty() ? std::to_string(v) : std::to_string(v) + " (" + n + ")";
    }
    case ValueStyle::kDecimal:
      break;
  }
  return std::to_string(v);
}

Guard CloneWithoutNamespaces() {
  return {{{0, kCloneNamespaceMask, 0, profile::Op::kMaskedEq},
           "flags (arg 0) without namespace flags (CLONE_NEW*, mask " + Hex(kCloneNamespaceMask) + ")"}};
}

}  // namespace profilegen::generator

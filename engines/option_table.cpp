#include "engines/option_table.h"

#include <algorithm>

namespace profilegen::engines {
namespace {

// Long names from `docker run --help` (Docker 20.10 to 28) and `podman run --help` (podman 4 and 5). Options
// both engines have are listed once. Facts from the engines' documentation; the tables are ours.
constexpr std::string_view kCommonFlags[] = {
    "detach",
    "disable-content-trust",
    "help",
    "init",
    "interactive",
    "no-healthcheck",
    "oom-kill-disable",
    "privileged",
    "publish-all",
    "quiet",
    "read-only",
    "rm",
    "sig-proxy",
    "tty",
    "use-api-socket",
};
constexpr std::string_view kPodmanFlags[] = {
    "env-host", "http-proxy", "no-hosts", "passwd", "read-only-tmpfs", "replace", "rmi", "rootfs", "tls-verify",
};
constexpr std::string_view kCommonValues[] = {
    "add-host",
    "annotation",
    "attach",
    "blkio-weight",
    "blkio-weight-device",
    "cap-add",
    "cap-drop",
    "cgroup-parent",
    "cgroupns",
    "cidfile",
    "cpu-count",
    "cpu-percent",
    "cpu-period",
    "cpu-quota",
    "cpu-rt-period",
    "cpu-rt-runtime",
    "cpu-shares",
    "cpus",
    "cpuset-cpus",
    "cpuset-mems",
    "detach-keys",
    "device",
    "device-cgroup-rule",
    "device-read-bps",
    "device-read-iops",
    "device-write-bps",
    "device-write-iops",
    "dns",
    "dns-option",
    "dns-opt",
    "dns-search",
    "domainname",
    "entrypoint",
    "env",
    "env-file",
    "expose",
    "gpus",
    "group-add",
    "health-cmd",
    "health-interval",
    "health-retries",
    "health-start-interval",
    "health-start-period",
    "health-timeout",
    "hostname",
    "io-maxbandwidth",
    "io-maxiops",
    "ip",
    "ip6",
    "ipc",
    "isolation",
    "kernel-memory",
    "label",
    "label-file",
    "link",
    "link-local-ip",
    "log-driver",
    "log-opt",
    "mac-address",
    "memory",
    "memory-reservation",
    "memory-swap",
    "memory-swappiness",
    "mount",
    "name",
    "network",
    "network-alias",
    "oom-score-adj",
    "pid",
    "pids-limit",
    "platform",
    "publish",
    "pull",
    "restart",
    "runtime",
    "security-opt",
    "shm-size",
    "stop-signal",
    "stop-timeout",
    "storage-opt",
    "sysctl",
    "tmpfs",
    "ulimit",
    "user",
    "userns",
    "uts",
    "volume",
    "volume-driver",
    "volumes-from",
    "workdir",
};
constexpr std::string_view kPodmanValues[] = {
    "arch",
    "authfile",
    "cert-dir",
    "cgroup-conf",
    "cgroups",
    "chrootdirs",
    "conmon-pidfile",
    "creds",
    "decryption-key",
    "env-merge",
    "gidmap",
    "group-entry",
    "health-log-destination",
    "health-max-log-count",
    "health-max-log-size",
    "health-on-failure",
    "health-startup-cmd",
    "health-startup-interval",
    "health-startup-retries",
    "health-startup-success",
    "health-startup-timeout",
    "hostuser",
    "hosts-file",
    "image-volume",
    "init-path",
    "os",
    "passwd-entry",
    "personality",
    "pidfile",
    "pod",
    "pod-id-file",
    "preserve-fd",
    "preserve-fds",
    "rdt-class",
    "requires",
    "retry",
    "retry-delay",
    "sdnotify",
    "seccomp-policy",
    "secret",
    "shm-size-systemd",
    "subgidname",
    "subuidname",
    "systemd",
    "timeout",
    "tz",
    "uidmap",
    "umask",
    "unsetenv",
    "variant",
};

struct Alias {
  std::string_view alias, name;
};
constexpr Alias kAliases[] = {{"net", "network"}, {"net-alias", "network-alias"}};

struct Short {
  char letter;
  std::string_view name;
};
constexpr Short kShorts[] = {
    {'a', "attach"},      {'c', "cpu-shares"}, {'d', "detach"}, {'e', "env"},         {'h', "hostname"},
    {'i', "interactive"}, {'l', "label"},      {'m', "memory"}, {'P', "publish-all"}, {'p', "publish"},
    {'q', "quiet"},       {'t', "tty"},        {'u', "user"},   {'v', "volume"},      {'w', "workdir"},
};

template <size_t N>
bool In(const std::string_view (&list)[N], std::string_view name) {
  return std::find(std::begin(list), std::end(list), name) != std::end(list);
}

// `docker [OPTIONS] COMMAND` and `podman [OPTIONS] COMMAND`.
constexpr std::string_view kDockerGlobalValues[] = {"config",    "context", "host",  "log-level",
                                                    "tlscacert", "tlscert", "tlskey"};
constexpr std::string_view kDockerGlobalFlags[] = {"debug", "tls", "tlsverify"};
constexpr Short kDockerGlobalShorts[] = {{'c', "context"}, {'H', "host"}, {'l', "log-level"}, {'D', "debug"}};
constexpr std::string_view kPodmanGlobalValues[] = {
    "cdi-spec-dir", "cgroup-manager", "config",          "conmon",           "connection",
    "db-backend",   "events-backend", "hooks-dir",       "identity",         "imagestore",
    "log-level",    "module",         "network-backend", "network-cmd-path", "network-config-dir",
    "out",          "root",           "runroot",         "runtime",          "runtime-flag",
    "ssh",          "storage-driver", "storage-opt",     "tmpdir",           "url",
    "volumepath"};
constexpr std::string_view kPodmanGlobalFlags[] = {"debug", "noout", "remote", "syslog", "transient-store"};
constexpr Short kPodmanGlobalShorts[] = {{'c', "connection"}, {'r', "remote"}};

}  // namespace

std::optional<OptionSpec> RunOptionByLong(Engine engine, std::string_view name) {
  for (const Alias& a : kAliases)
    if (a.alias == name) name = a.name;
  if (In(kCommonFlags, name) || (engine == Engine::kPodman && In(kPodmanFlags, name))) {
    return OptionSpec{std::string(name), OptionKind::kFlag};
  }
  if (In(kCommonValues, name) || (engine == Engine::kPodman && In(kPodmanValues, name))) {
    return OptionSpec{std::string(name), OptionKind::kValue};
  }
  return std::nullopt;
}

std::optional<OptionSpec> RunOptionByShort(Engine engine, char letter) {
  for (const Short& s : kShorts)
    if (s.letter == letter) return RunOptionByLong(engine, s.name);
  return std::nullopt;
}

std::optional<OptionSpec> GlobalOptionByLong(Engine engine, std::string_view name) {
  bool docker = engine == Engine::kDocker;
  if (docker ? In(kDockerGlobalFlags, name) : In(kPodmanGlobalFlags, name)) {
    return OptionSpec{std::string(name), OptionKind::kFlag};
  }
  if (docker ? In(kDockerGlobalValues, name) : In(kPodmanGlobalValues, name)) {
    return OptionSpec{std::string(name), OptionKind::kValue};
  }
  return std::nullopt;
}

std::optional<OptionSpec> GlobalOptionByShort(Engine engine, char letter) {
  if (engine == Engine::kDocker) {
    for (const Short& s : kDockerGlobalShorts)
      if (s.letter == letter) return GlobalOptionByLong(engine, s.name);
  } else {
    for (const Short& s : kPodmanGlobalShorts)
      if (s.letter == letter) return GlobalOptionByLong(engine, s.name);
  }
  return std::nullopt;
}

}  // namespace profilegen::engines

#pragma once
/// A profile as an engine hands it to the runtime for one target (includes/excludes and archMap resolved),
/// written as the OCI runtime-spec `linux.seccomp` object or as a security-profiles-operator SeccompProfile.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "profile/effective.h"

namespace profilegen::review {

/// What moby (or containers/common for podman) passes to the runtime: `architectures` from the archMap entry
/// of the target's arch (or the list as given), only the entries whose includes/excludes match the target
/// (without those keys, without comments), podman's errno names resolved to numbers for podman. Throws
/// Error(kExitUsage) for a profile that switches seccomp off: there is nothing to hand over.
profile::Profile ResolveForEngine(const profile::Profile& profile, const profile::Target& target);

/// The OCI `linux.seccomp` object of a resolved profile: defaultAction, defaultErrnoRet, architectures, flags,
/// listenerPath, listenerMetadata, syscalls[{names, action, errnoRet, args[{index, value, valueTwo, op}]}].
nlohmann::ordered_json ToOciSeccomp(const profile::Profile& resolved);

/// A SeccompProfile resource (security-profiles-operator.x-k8s.io/v1beta1) in hand-written YAML.
/// `header` becomes a leading comment line (may be empty).
std::string ToSeccompProfileYaml(const profile::Profile& resolved, const std::string& name, const std::string& header);

/// What the SeccompProfile cannot carry (e.g. defaultErrnoRet, which the CRD lacks), one warning each.
std::vector<std::string> KubernetesWarnings(const profile::Profile& resolved);

/// A metadata.name derived from a file name: "profiles/My_App.json" -> "my-app".
std::string DefaultResourceName(const std::string& path);
/// Throws Error(kExitUsage) unless `name` is a DNS-1123 subdomain (what Kubernetes accepts).
void CheckResourceName(const std::string& name);

/// A YAML scalar for a string: plain when that is unambiguous, else double-quoted with escapes.
std::string YamlString(std::string_view s);

}  // namespace profilegen::review

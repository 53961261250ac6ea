#pragma once
/// What a profile is read for (engine, arch, capabilities, kernel) and which of its parts the engine reads for
/// that target: moby's and podman's includes/excludes, the arches the filter covers, the architectures written
/// into the OCI spec. profile/effective.h builds the effective policy on top of it.
#include <set>
#include <string>
#include <vector>

#include "profile/model.h"
#include "syscalls/syscalls.h"

namespace profilegen::profile {

enum class Engine { kDocker, kPodman };
/// "docker" or "podman".
const char* EngineName(Engine engine);

/// What the profile is evaluated for.
struct Target {
  Engine engine = Engine::kDocker;
  sys::ArchToken arch = 0;                 ///< host arch; 0 means this machine's
  std::set<std::string> caps;              ///< bounding set; see DefaultCaps()
  int kernel_major = 0, kernel_minor = 0;  ///< 0.0 means this machine's kernel
};

/// Docker's default capability set (14 capabilities).
const std::set<std::string>& DefaultCaps();
/// Every capability name (CAP_CHOWN ... CAP_CHECKPOINT_RESTORE).
const std::set<std::string>& AllCaps();
/// Fills arch and kernel from this machine when left zero.
Target ResolveTarget(Target t);

/// Whether a rule entry applies to the target (moby's includes/excludes; podman
/// ignores minKernel).
bool RuleApplies(const Rule& rule, const Target& target);

/// Which rule entries the engine reads for includes/excludes: podman's Filter
/// is a struct value where moby's is a pointer, so a repeated key ending in
/// null reads differently (Rule::podman_includes).
const Filter& IncludesFor(const Rule& rule, Engine engine);
const Filter& ExcludesFor(const Rule& rule, Engine engine);

/// The arches the filter covers for the target: the native arch, then
/// `architectures`, or the archMap entry of the host (podman's map knows fewer
/// hosts: an unmapped host gets no archMap arches).
std::vector<sys::ArchToken> FilterArches(const Profile& profile, const Target& target);

/// The SCMP_ARCH_* names the engine writes into the OCI spec's "architectures"
/// (`architectures`, or the host's archMap entry with its sub-architectures;
/// SCMP_ARCH_NATIVE kept as written).
std::vector<std::string> SpecArchitectures(const Profile& profile, const Target& target);

}  // namespace profilegen::profile

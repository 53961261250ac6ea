#pragma once
/// The target options shared by diff, audit and export (--target, --arch, --caps, --kernel), as validate
/// spells them, turned into a profile::Target.
#include <string>

#include "profile/effective.h"

namespace profilegen::review {

struct TargetOptions {
  std::string engine = "docker";  ///< docker | podman
  std::string arch = "host";      ///< host (this machine), amd64, arm64, ... or SCMP_ARCH_*
  std::string caps = "default";   ///< default | all | CAP_X,CAP_Y (the CAP_ prefix and case are optional)
  std::string kernel = "host";    ///< host | X.Y
};

/// Checks and resolves the options; throws Error(kExitUsage) naming the bad value, with a suggestion.
profile::Target MakeTarget(const TargetOptions& options);

/// "docker, amd64, default caps, kernel 6.18" for report headers.
std::string DescribeTarget(const profile::Target& target);

/// Native arch name ("amd64") of a token, or the token in hex if libseccomp does not know it.
std::string ArchNative(sys::ArchToken arch);

/// The order reports list arches in: the host, its sub-arches in archMap order (x86, x32), then the rest by
/// SCMP name.
std::vector<sys::ArchToken> OrderArches(std::vector<sys::ArchToken> arches, sys::ArchToken host);

}  // namespace profilegen::review

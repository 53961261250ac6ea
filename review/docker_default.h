#pragma once
/// Docker's built-in seccomp profile, embedded at build time from review/data/moby-default.json (see
/// review/data/PROVENANCE.md), evaluated for a target: the baseline that diff and audit compare against.
#include <string_view>

#include "profile/effective.h"
#include "review/policy.h"

namespace profilegen::review {

/// The embedded profile text, byte for byte.
std::string_view DockerDefaultText();

/// The embedded profile, parsed once.
const profile::Profile& DockerDefaultProfile();

/// Docker's default evaluated for one target, always as Docker reads it (engine docker), with the target's arch,
/// capabilities and kernel.
class DockerBaseline {
 public:
  explicit DockerBaseline(const profile::Target& target);

  /// How Docker's default treats `name` on `arch`. An arch Docker's filter does not cover is denied (the
  /// kernel kills on a bad arch).
  Allowance Of(sys::ArchToken arch, const std::string& name) const;

  const profile::EffectivePolicy& policy() const { return policy_; }

 private:
  profile::EffectivePolicy policy_;
};

}  // namespace profilegen::review

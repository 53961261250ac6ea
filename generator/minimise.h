#pragma once
/// The minimal canonical form of a profile's rules, shared by `generate` and `merge`.
#include <vector>

#include "profile/model.h"

namespace profilegen::generator {

/// Whether a rule does what the default action does anyway (runc skips such rules; we never write them).
bool EqualsDefault(const profile::Rule& rule, const profile::Profile& profile);

/// Whether a rule allows its names whatever the arguments, capabilities, arch or kernel.
bool IsUnconditionalAllow(const profile::Rule& rule);

/// Rewrites profile.syscalls into its minimal canonical form: entries that differ only in names are merged
/// (their distinct comments joined with " | "), names sorted and unique within an entry, empty entries and
/// entries equal to the default action dropped, entries sorted (the unconditional ALLOW entry first, then
/// other ALLOW entries, then the rest, each by names, then by conditions).
void Minimise(profile::Profile& profile);

/// The first step of Minimise: merge entries that differ only in names, drop empty and default-equal ones.
void MergeEqualBehaviour(profile::Profile& profile);

/// The canonical entry order.
void SortRules(std::vector<profile::Rule>& rules);

}  // namespace profilegen::generator

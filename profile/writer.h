#pragma once
/// The canonical JSON form of a profile: fixed key order (defaultAction, defaultErrnoRet, archMap or
/// architectures, flags, listenerPath, listenerMetadata, syscalls; in an entry: names, action, errnoRet,
/// args, comment, includes, excludes), empty optional keys omitted, 4-space indent, trailing newline.
#include <string>

#include "profile/model.h"

namespace profilegen::profile {

std::string WriteProfile(const Profile& profile);

}  // namespace profilegen::profile

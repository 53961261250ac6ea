#pragma once
/// `record --reachable`: a static analysis of the executables a recording ran, the libraries they need and the
/// ones they dlopen'd, as the files are where the analysis runs: on the host for a plain recording, inside the
/// container (the image's own files) for `record -- docker run/podman run`. record stores the result as the
/// trace's schema v2 section (trace/reachable.h); this layer knows nothing of traces (DESIGN.md).
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "syscalls/syscalls.h"

namespace profilegen::reach {

struct RecordedReachable {
  std::map<sys::ArchToken, std::set<std::string>> names;  ///< reachable syscall names per arch
  std::vector<std::string> binaries;                      ///< the files analysed, sorted
  uint64_t unresolved = 0;                 ///< syscall sites in reachable code whose number is not known statically
  std::vector<std::string> not_analysed;  ///< mapped files or executables that are gone or are not ELF, with why
};

/// `executables` (those that made the recorded syscalls) and `mapped` (every file the recorded processes mapped
/// executable: a mapped file their dependencies do not explain was dlopen'd and is a root too), analysed as one
/// program, cached in `cache_dir` (empty: no cache). Names only: numbers libseccomp cannot name are left out. An
/// executable that is not an ELF file (a script: its interpreter is among the mapped files) is left out with a
/// note. Throws Error when an executable cannot be analysed (a temporary deleted since, say).
RecordedReachable AnalyseRecorded(const std::vector<std::string>& executables, const std::vector<std::string>& mapped,
                                  const std::string& cache_dir);

/// The analysis cache of `record --reachable`: DefaultCacheDir() on the host. Inside a container only an explicit
/// $PROFILEGEN_CACHE_DIR (a volume the user mounts): the default folder would be in the container's writable
/// layer, thrown away with the container or left behind in it, and an image has the same files every time.
std::string RecordingCacheDir(bool in_container);

}  // namespace profilegen::reach

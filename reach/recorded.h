#pragma once
/// `record --reachable`: the trace's reachable section (schema v2) from a static analysis of the executables a
/// recording ran and their libraries, as the files are where the analysis runs: on the host for a plain
/// recording, inside the container (the image's own files) for `record -- docker run/podman run`.
#include <string>

#include "trace/trace.h"

namespace profilegen::reach {

/// The executables that made `t`'s syscalls and the libraries they need, analysed as one program (cached in
/// `cache_dir`; empty: no cache). Names only: numbers libseccomp cannot name are left out. Throws Error when an
/// executable cannot be analysed (a temporary deleted since, say).
trace::Reachable AnalyseRecorded(const trace::Trace& t, const std::string& cache_dir);

/// The analysis cache of `record --reachable`: DefaultCacheDir() on the host. Inside a container only an explicit
/// $PROFILEGEN_CACHE_DIR (a volume the user mounts): the default folder would be in the container's writable
/// layer, thrown away with the container or left behind in it, and an image has the same files every time.
std::string RecordingCacheDir(bool in_container);

}  // namespace profilegen::reach

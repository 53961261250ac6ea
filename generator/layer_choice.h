#pragma once
/// Which runtime layers a profile gets: the --runtime / --no-new-privileges flags when given, otherwise what
/// the traces say about the containers they were recorded in (trace/container.h), otherwise runc without
/// no-new-privileges (Docker's default).
#include <optional>

#include "generator/options.h"
#include "trace/trace.h"

namespace profilegen::generator {

/// Sets options.runtime, options.no_new_privileges and options.more_layers for `merged`. A flag overrides the
/// traces for every recording: --runtime replaces each recorded runtime, --no-new-privileges each recorded
/// setting. Throws Error (exit 2) when a trace names a runtime without layer data and no --runtime is given.
void ChooseRuntimeLayers(const trace::Trace& merged, std::optional<Runtime> runtime_flag, std::optional<bool> nnp_flag,
                         GenerateOptions& options);

/// The layer data's runtime for an engine's runtime name: "runc", "io.containerd.runc.v2" -> runc; "crun" -> crun;
/// a path ("/usr/sbin/runc", as podman names a runtime given by path) by its file name.
std::optional<Runtime> RuntimeFromEngineName(const std::string& engine_name);

}  // namespace profilegen::generator

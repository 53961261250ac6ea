#pragma once
/// The runtime layer data files compiled into the binary now live with their
/// parser in profile/ (validate reads them too); this header keeps the
/// generator's names.
#include "profile/runtime_layer.h"

namespace profilegen::generator {

using profile::EmbeddedFile;
using profile::EmbeddedRuntimeLayers;

}  // namespace profilegen::generator

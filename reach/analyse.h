#pragma once
/// Machine code -> a BinarySummary: decodes every code section (reach/decode.h), splits it into functions, finds
/// the syscall sites and the number each uses, and the calls between functions and to imports.
#include "reach/elf_image.h"
#include "reach/summary.h"

namespace profilegen::reach {

/// Analyses one ELF image. Pure: no file access.
BinarySummary Analyse(const ElfImage& image);

}  // namespace profilegen::reach

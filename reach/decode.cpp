// The decoder of the dynamically linked profilegen: Zydis. profilegen-static links reach/static/decode.cpp
// (Capstone) as an object instead, so this member of the library archive is never pulled into it.
#include "reach/decode.h"

namespace profilegen::reach {

Decoded DecodeImage(const ElfImage& image) { return DecodeWithZydis(image); }

const char* DecoderName() { return "zydis"; }

}  // namespace profilegen::reach

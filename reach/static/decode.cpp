// The decoder of profilegen-static: Capstone, whose static archive Debian ships (Zydis comes as a shared
// library only). Linked as an object into profilegen-static only (cli/CMakeLists.txt), so that the library's
// reach/decode.cpp, and with it Zydis, is never pulled in.
#include "reach/decode.h"

namespace profilegen::reach {

Decoded DecodeImage(const ElfImage& image) { return DecodeWithCapstone(image); }

const char* DecoderName() { return "capstone"; }

}  // namespace profilegen::reach

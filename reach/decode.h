#pragma once
/// x86 machine code -> a compact instruction list: what the reachability analysis needs of each instruction
/// (branches and their targets, syscall instructions, constant moves, registers written) and the code addresses
/// the code takes. Two decoders give the same list: Zydis (decode_zydis.cpp) in the dynamically linked
/// profilegen, Capstone (decode_capstone.cpp) in profilegen-static, which runs inside container images and
/// needs a static archive (Debian ships one for Capstone only). tests/reach/decoders_test.cpp compares them.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "reach/elf_image.h"

namespace profilegen::reach {

enum class Kind : uint8_t {
  kOther,
  kPad,       ///< nop, int3 padding: says nothing about whether control falls through
  kCall,      ///< direct call (target) or indirect through memory (slot)
  kJmp,       ///< unconditional jump, same
  kJcc,       ///< conditional jump
  kStop,      ///< ret, ud2, hlt, int3: control does not fall through
  kSyscall,   ///< syscall (x86-64 ABI)
  kSyscall32, ///< int 0x80, sysenter, call gs:[0x10] (i386 ABI)
  kMovImm,    ///< dst = imm
  kMovReg,    ///< dst = src
  kXorSelf,   ///< dst = 0
  // Stack slots (64-bit code only): 8-byte values at [rsp + disp], where Go's ABI0 passes arguments and code
  // spills registers; disp is in `target` (as its 64-bit pattern).
  kStore,     ///< [rsp + disp] = src, or = imm when src is -1
  kLoad,      ///< dst = [rsp + disp]
  kSpAdd,     ///< rsp += imm
  kPush,      ///< rsp -= 8, [rsp] = src (-1: a value not in a register)
  kPop,       ///< dst = [rsp] (-1: not into a register), rsp += 8
  kStackWrite,  ///< writes imm bytes at [rsp + disp] other than as kStore (movups %xmm15,0x10(%rsp))
  kMemWrite,    ///< writes memory other than as above (registers: `written`)
};

struct Insn {
  uint64_t addr = 0;
  uint64_t target = 0;  ///< direct branch target, or the memory slot of an indirect one (0: none); kStore, kLoad: disp
  int64_t imm = 0;
  uint16_t written = 0;  ///< general-purpose registers written (bit per index)
  Kind kind = Kind::kOther;
  int8_t dst = -1, src = -1;
  bool indirect = false;  ///< branch through memory (target is the slot) or register (target 0)
};

/// Every code section of an image, decoded linearly.
struct Decoded {
  std::vector<Insn> insns;                 ///< all code sections, in address order
  std::unordered_map<uint64_t, uint32_t> jump_targets;  ///< targets of direct jumps -> how many jump there
  std::vector<uint64_t> call_targets;
  /// (instruction, code address) for lea / immediate references into code: the address is taken only when the
  /// function holding the instruction runs, so it becomes a callee of that function.
  std::vector<std::pair<uint64_t, uint64_t>> code_pointers;
  /// (instruction, import) for GOT slots of imports read other than by call/jmp.
  std::vector<std::pair<uint64_t, std::string>> import_loads;
};

/// Decodes every code section of `image` linearly (an undecodable byte becomes a one-byte stop), with this
/// build's decoder: reach/decode.cpp (Zydis) in profilegen, reach/static/decode.cpp (Capstone) in
/// profilegen-static.
Decoded DecodeImage(const ElfImage& image);

/// "zydis" or "capstone": the decoder DecodeImage uses, part of the analysis cache's key (the two agree on what
/// they both decode, but a summary is served only to the decoder that made it).
const char* DecoderName();

/// The same with Zydis (linked only where used: the Zydis library is shared).
Decoded DecodeWithZydis(const ElfImage& image);

/// The same with Capstone 4. Capstone 4.0.2 cannot decode some newer instructions (AVX-512BW/VL forms, rdpkru,
/// wrpkru): each becomes one-byte stops and the decoding is out of step until it realigns, a few instructions
/// later; glibc has them only in string functions and pkey wrappers, which make no syscalls.
Decoded DecodeWithCapstone(const ElfImage& image);

}  // namespace profilegen::reach

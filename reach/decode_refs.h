#pragma once
/// The decoder-independent steps of reach/decode.h, written once for both decoders (decode_zydis.cpp and
/// decode_capstone.cpp): each decoder describes an instruction's explicit operands in the neutral form below,
/// and these functions work out what the analysis needs of them: a direct branch's target, the addresses the
/// operands name, and the data moves (constants, register copies, stack slots). Linked by profilegen and
/// profilegen-static alike (unlike reach/decode.cpp).
#include <cstdint>

#include "reach/decode.h"
#include "reach/elf_image.h"

namespace profilegen::reach {

/// One explicit operand as a decoder sees it.
struct Operand {
  enum Type : uint8_t { kNone, kReg, kImm, kMem };
  Type type = kNone;
  int8_t gpr = -1;       ///< kReg: general-purpose register index (reach/summary.h numbering), -1 for the others
  uint16_t size = 0;     ///< in bytes
  bool rip = false;      ///< kMem: rip-relative
  bool stack = false;    ///< kMem: [rsp + disp], no index register, no fs/gs segment
  int64_t disp = 0;      ///< kMem: the displacement
  uint64_t address = 0;  ///< kMem: the absolute address it names when rip-relative or absolute, else 0
  int64_t imm = 0;       ///< kImm: the value as the decoder gives it
};

/// The instructions whose operands ClassifyMove interprets; the rest are kOther. kCompare: cmp and test, which
/// only read their memory operand; kBulkWrite: instructions that write memory the decoders see differently
/// (stos, movs, ins and maskmov*, through rdi without an explicit operand in Zydis; fxsave, xsave* and
/// fnsave and their restoring counterparts, whose operand sizes Capstone gives wrong), taken as writing memory
/// anywhere.
enum class Op : uint8_t { kOther, kMov, kXor, kSub, kAdd, kLea, kPush, kPop, kCompare, kBulkWrite };

/// A call, jump or conditional jump `x` (kind set) to the direct target `target`: sets x.target and records the
/// target in `out` (call_targets, jump_targets); a call of an i386 pc thunk becomes the register write it is.
void AddDirectBranch(const ElfImage& image, uint64_t target, Insn& x, Decoded& out);

/// The addresses a non-branch instruction at `addr` names in its operands: reads of imports' GOT slots
/// (import_loads) and code addresses taken (code_pointers: lea rip-relative, or in non-PIC code immediates and
/// absolute operands).
void AddOperandRefs(const ElfImage& image, uint64_t addr, Op op, const Operand* ops, int count, Decoded& out);

/// The data move `x` makes, from its explicit operands: kMovImm, kMovReg, kXorSelf; and in 64-bit code the stack
/// slots (kStore, kLoad of 8 bytes at [rsp + disp]), stack pointer adjustments (kSpAdd, kPush, kPop) and other
/// memory writes (kStackWrite when the written operand is at [rsp + disp], else kMemWrite). Which memory an
/// instruction writes is decided by position, not by the decoders' access flags (Capstone 4.0.2 marks
/// `test` as writing its memory operand and `fnstcw` as reading it): a memory operand first (Intel order: the
/// destination) is taken as written, except for cmp, test and push; kBulkWrite ones write. An
/// over-approximation that costs only precision. Leaves x.kind alone for anything else.
void ClassifyMove(const ElfImage& image, Op op, const Operand* ops, int count, Insn& x);

}  // namespace profilegen::reach

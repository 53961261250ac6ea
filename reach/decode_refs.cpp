#include "reach/decode_refs.h"

namespace profilegen::reach {
namespace {

constexpr int kRsp = 4;

bool IsReg(const Operand& op, int size) { return op.type == Operand::kReg && op.gpr >= 0 && op.size == size; }

bool IsStackSlot(const Operand& op) { return op.type == Operand::kMem && op.stack && op.size == 8; }

/// The stack-slot forms of a 64-bit instruction: 8-byte stores and loads at [rsp + disp], rsp adjustments.
/// Whether `x` is one.
bool ClassifyStack(Op op, const Operand* ops, int count, Insn& x) {
  // 8 bytes each (a 2-byte push or pop, with an operand-size prefix, is left to `written`: rsp unknown).
  if (op == Op::kPush && count == 1 &&
      (IsReg(ops[0], 8) || ops[0].type == Operand::kImm || (ops[0].type == Operand::kMem && ops[0].size == 8))) {
    x.kind = Kind::kPush;
    x.src = static_cast<int8_t>(ops[0].type == Operand::kReg ? ops[0].gpr : -1);
    return true;
  }
  if (op == Op::kPop && count == 1 && IsReg(ops[0], 8)) {
    x.kind = Kind::kPop;
    x.dst = ops[0].gpr;
    return true;
  }
  if (count != 2) return false;
  if ((op == Op::kAdd || op == Op::kSub) && IsReg(ops[0], 8) && ops[0].gpr == kRsp && ops[1].type == Operand::kImm) {
    x.kind = Kind::kSpAdd;
    x.imm = op == Op::kAdd ? ops[1].imm : -ops[1].imm;
    return true;
  }
  if (op != Op::kMov) return false;
  if (IsStackSlot(ops[0]) && (IsReg(ops[1], 8) || ops[1].type == Operand::kImm)) {
    x.kind = Kind::kStore;
    x.target = static_cast<uint64_t>(ops[0].disp);
    x.src = static_cast<int8_t>(ops[1].type == Operand::kReg ? ops[1].gpr : -1);
    if (ops[1].type == Operand::kImm) x.imm = ops[1].imm;  // sign-extended to the slot's 8 bytes
    return true;
  }
  if (IsReg(ops[0], 8) && ops[0].gpr != kRsp && IsStackSlot(ops[1])) {
    x.kind = Kind::kLoad;
    x.dst = ops[0].gpr;
    x.target = static_cast<uint64_t>(ops[1].disp);
    return true;
  }
  return false;
}

/// Memory written other than by a stack-slot move (ClassifyMove says which): a first operand at [rsp + disp]
/// of a plain size is kStackWrite (the flow forgets the slots it overlaps), anything else kMemWrite (the flow
/// forgets them all).
void ClassifyMemoryWrite(Op op, const Operand* ops, int count, Insn& x) {
  if (op == Op::kBulkWrite) {
    x.kind = Kind::kMemWrite;
    return;
  }
  if (count == 0 || ops[0].type != Operand::kMem || op == Op::kCompare || op == Op::kPush || op == Op::kLea) return;
  const Operand& m = ops[0];
  bool plain = m.size == 1 || m.size == 2 || m.size == 4 || m.size == 8 || m.size == 16 || m.size == 32 || m.size == 64;
  if (m.stack && plain) {
    x.kind = Kind::kStackWrite;
    x.target = static_cast<uint64_t>(m.disp);
    x.imm = m.size;
  } else {
    x.kind = Kind::kMemWrite;
  }
}

}  // namespace

void AddDirectBranch(const ElfImage& image, uint64_t target, Insn& x, Decoded& out) {
  x.target = target;
  if (x.kind == Kind::kCall && !image.is64) {
    int reg = image.PcThunkRegister(target);
    if (reg >= 0) {  // __x86.get_pc_thunk.*: writes one register, not a call in any other sense
      x.kind = Kind::kOther;
      x.written = static_cast<uint16_t>(1u << reg);
      x.target = 0;
      return;
    }
  }
  if (x.kind == Kind::kCall) {
    out.call_targets.push_back(target);
  } else {
    ++out.jump_targets[target];
  }
}

void AddOperandRefs(const ElfImage& image, uint64_t addr, Op op, const Operand* ops, int count, Decoded& out) {
  for (int i = 0; i < count; ++i) {
    const Operand& o = ops[i];
    uint64_t ref = 0;
    if (o.type == Operand::kMem) {
      ref = o.address;
      if (op != Op::kLea) {
        auto got = image.got_imports.find(ref);
        if (got != image.got_imports.end()) out.import_loads.push_back({addr, got->second});
        if (image.shared || o.rip) ref = 0;  // a load, not an address taken
      }
    } else if (o.type == Operand::kImm && !image.shared) {
      ref = static_cast<uint64_t>(o.imm);
    }
    if (ref && image.InCode(ref)) out.code_pointers.push_back({addr, ref});
  }
}

void ClassifyMove(const ElfImage& image, Op op, const Operand* ops, int count, Insn& x) {
  if (image.is64 && ClassifyStack(op, ops, count, x)) return;
  if (count == 2 && ops[0].type == Operand::kReg && ops[0].gpr >= 0 && ops[0].size >= 4) {
    int width = ops[0].size;
    if (op == Op::kMov && ops[1].type == Operand::kImm) {
      x.kind = Kind::kMovImm;
      x.dst = ops[0].gpr;
      x.imm = width == 4 ? static_cast<int64_t>(static_cast<uint32_t>(ops[1].imm)) : ops[1].imm;
      return;
    }
    if (op == Op::kMov && IsReg(ops[1], width)) {
      x.kind = Kind::kMovReg;
      x.dst = ops[0].gpr;
      x.src = ops[1].gpr;
      return;
    }
    if ((op == Op::kXor || op == Op::kSub) && IsReg(ops[1], width) && ops[1].gpr == ops[0].gpr) {
      x.kind = Kind::kXorSelf;
      x.dst = ops[0].gpr;
      return;
    }
  }
  if (image.is64) ClassifyMemoryWrite(op, ops, count, x);
}

}  // namespace profilegen::reach

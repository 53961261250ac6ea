#include "reach/flow_state.h"

#include <cstdlib>

namespace profilegen::reach {
namespace {

constexpr int kRsp = 4;
/// Stack pointer moves beyond this are taken as unknown (no real frame is that big; keeps offsets in range).
constexpr int64_t kMaxFrame = 1 << 24;

/// Whether 8-byte values at offsets a and b overlap.
bool Overlap(int64_t a, int64_t b) { return std::llabs(a - b) < 8; }

}  // namespace

FlowState FlowState::Entry() {
  FlowState s;
  for (int r = 0; r < kRegs; ++r) s.regs_[r] = {Value::kEntry, r};
  s.sp_known_ = true;
  s.args_intact_ = (1u << kStackArgs) - 1;
  return s;
}

Value FlowState::Load(int64_t offset) const {
  if (!sp_known_) return {};
  for (int i = 0; i < slot_count_; ++i) {
    if (slots_[i].offset == offset) return {slots_[i].kind, slots_[i].v};
    if (Overlap(slots_[i].offset, offset)) return {};
  }
  // Above the return address: the caller's stack arguments, while nothing has written them.
  for (int j = 0; j < kStackArgs; ++j) {
    if (offset == 8 * (j + 1) && (args_intact_ & (1u << j))) return {Value::kEntry, kStackArg0 + j};
  }
  return {};
}

void FlowState::Clobber(int64_t offset, int64_t size) {
  if (!sp_known_) return;  // nothing is tracked then
  auto overlap = [&](int64_t slot) { return slot < offset + size && offset < slot + 8; };
  int kept = 0;
  for (int i = 0; i < slot_count_; ++i) {
    if (!overlap(slots_[i].offset)) slots_[kept++] = slots_[i];
  }
  slot_count_ = static_cast<uint8_t>(kept);
  for (int j = 0; j < kStackArgs; ++j) {
    if (overlap(8 * (j + 1))) args_intact_ &= static_cast<uint8_t>(~(1u << j));
  }
}

void FlowState::Store(int64_t offset, const Value& v) {
  Clobber(offset, 8);
  if (!sp_known_ || v.kind == Value::kUnknown) return;  // an unknown slot is no slot
  if (slot_count_ == kSlots) {                          // full: forget the oldest
    for (int i = 1; i < kSlots; ++i) slots_[i - 1] = slots_[i];
    --slot_count_;
  }
  slots_[slot_count_++] = {v.v, static_cast<int32_t>(offset), v.kind};
}

void FlowState::DropBelow(int64_t offset) {
  int kept = 0;
  for (int i = 0; i < slot_count_; ++i) {
    if (slots_[i].offset >= offset) slots_[kept++] = slots_[i];
  }
  slot_count_ = static_cast<uint8_t>(kept);
}

void FlowState::ForgetStack() {
  slot_count_ = 0;
  args_intact_ = 0;
}

void FlowState::LoseStackPointer() {
  ForgetStack();
  sp_known_ = false;
  sp_ = 0;
}

void FlowState::Transfer(const Insn& x) {
  switch (x.kind) {
    case Kind::kSyscall:
      regs_[kRax] = {};
      regs_[1] = {};   // rcx
      regs_[11] = {};  // r11
      ForgetStack();   // the kernel writes where the arguments point
      return;
    case Kind::kSyscall32:
      regs_[kRax] = {};
      ForgetStack();
      return;
    case Kind::kCall:
      // Only the caller-saved registers change: the C ABIs preserve the rest, and Go's register ABI preserves
      // nothing, so Go code reloads what it needs after a call (from its stack slots, forgotten here: the callee
      // may write them, Go's results and spilled arguments go there). rsp is back where it was.
      for (int r : {0, 1, 2, 6, 7, 8, 9, 10, 11}) regs_[r] = {};
      ForgetStack();
      return;
    case Kind::kMovImm:
      regs_[x.dst] = {Value::kImm, x.imm};
      break;
    case Kind::kMovReg:
      regs_[x.dst] = regs_[x.src];
      break;
    case Kind::kXorSelf:
      regs_[x.dst] = {Value::kImm, 0};
      break;
    case Kind::kStore:
      Store(sp_ + static_cast<int64_t>(x.target), x.src >= 0 ? regs_[x.src] : Value{Value::kImm, x.imm});
      return;
    case Kind::kLoad:
      regs_[x.dst] = Load(sp_ + static_cast<int64_t>(x.target));
      return;
    case Kind::kSpAdd:
      if (sp_known_ && std::llabs(sp_ + x.imm) < kMaxFrame) {
        sp_ += static_cast<int32_t>(x.imm);
        DropBelow(sp_);
      } else {
        LoseStackPointer();
      }
      return;
    case Kind::kPush: {
      Value v = x.src >= 0 ? regs_[x.src] : Value{};
      if (sp_known_) {
        sp_ -= 8;
        Store(sp_, v);
      }
      return;
    }
    case Kind::kPop:
      regs_[x.dst] = Load(sp_);
      if (sp_known_) {
        sp_ += 8;
        DropBelow(sp_);
      }
      if (x.dst == kRsp) LoseStackPointer();
      return;
    case Kind::kStackWrite:
      Clobber(sp_ + static_cast<int64_t>(x.target), x.imm);
      ApplyWritten(x.written);
      return;
    case Kind::kMemWrite:
      ForgetStack();
      ApplyWritten(x.written);
      return;
    default:
      ApplyWritten(x.written);
      return;
  }
  if (x.dst == kRsp) LoseStackPointer();  // the moves above: rsp set to a value the flow does not place
}

void FlowState::ApplyWritten(uint16_t written) {
  for (int r = 0; r < kRegs; ++r) {
    if (written & (1u << r)) regs_[r] = {};
  }
  if (written & (1u << kRsp)) LoseStackPointer();
}

bool FlowState::Meet(const FlowState& from) {
  bool changed = false;
  for (int r = 0; r < kRegs; ++r) {
    if (regs_[r].kind != Value::kUnknown && !(regs_[r] == from.regs_[r])) {
      regs_[r] = {};
      changed = true;
    }
  }
  if (!sp_known_) return changed;
  if (!from.sp_known_ || from.sp_ != sp_) {
    LoseStackPointer();
    return true;
  }
  uint8_t args = args_intact_ & from.args_intact_;
  changed |= args != args_intact_;
  args_intact_ = args;
  int kept = 0;
  for (int i = 0; i < slot_count_; ++i) {
    if (from.Load(slots_[i].offset) == Value{slots_[i].kind, slots_[i].v}) slots_[kept++] = slots_[i];
  }
  changed |= kept != slot_count_;
  slot_count_ = static_cast<uint8_t>(kept);
  return changed;
}

bool FlowState::MeetAtEntry(const FlowState& from) {
  if (!sp_known_ || (from.sp_known_ && from.sp_ == sp_)) return Meet(from);
  FlowState pinned = from;
  pinned.sp_known_ = true;
  pinned.sp_ = sp_;
  pinned.ForgetStack();
  return Meet(pinned);
}

Args FlowState::CalleeArgs(bool tail) const {
  Args args;
  for (int r = 0; r < kRegs; ++r) args[r] = regs_[r];
  // A call pushes the return address: the callee's [rsp+8] is the caller's [rsp]; a jump pushes nothing.
  for (int j = 0; j < kStackArgs; ++j) args[kStackArg0 + j] = Load(sp_ + 8 * j + (tail ? 8 : 0));
  return args;
}

}  // namespace profilegen::reach

#pragma once
/// What the data flow of reach/analyse.cpp knows at one instruction of a function: each general-purpose
/// register's value (a constant, the value it held at the function's entry, or unknown), the stack pointer's
/// offset from its value at entry, and a few 8-byte stack slots at known offsets. The slots carry Go's ABI0
/// arguments, which go on the stack: a caller storing a syscall number to [rsp] before calling
/// golang.org/x/sys/unix.Syscall, the callee loading it from [rsp+8]; and registers spilled and reloaded.
/// Sound by construction: whatever might change a slot without being one of the understood moves (a call, a
/// write through any other address, an unknown change of rsp) forgets it.
#include <array>
#include <cstdint>

#include "reach/decode.h"
#include "reach/summary.h"

namespace profilegen::reach {

/// The values a callee finds in its entry locations, as the caller's state at the call says.
using Args = std::array<Value, kLocations>;

class FlowState {
 public:
  /// At the function's entry: every location holds its entry value, rsp is at offset 0.
  static FlowState Entry();
  /// Nothing known (code reached from where the flow cannot see).
  static FlowState Unknown() { return FlowState(); }

  const Value& operator[](int reg) const { return regs_[reg]; }

  /// The state after `x`.
  void Transfer(const Insn& x);
  /// Merges `from` into this state (what differs becomes unknown); whether this state changed.
  bool Meet(const FlowState& from);
  /// The same at a function's entry, reached again by a jump from inside (Go's stack growth check calls
  /// runtime.morestack and jumps back to the start): whatever jumps there, rsp points at the return address as
  /// at any entry, so the stack pointer stays known; only the slots are merged.
  bool MeetAtEntry(const FlowState& from);
  /// The callee's entry locations at a call (`tail`: a jump, which pushes no return address).
  Args CalleeArgs(bool tail) const;

 private:
  struct Slot {  // a known value (Value, packed) at an offset from rsp at entry
    int64_t v = 0;
    int32_t offset = 0;
    Value::Kind kind = Value::kUnknown;
  };
  static constexpr int kSlots = 8;

  Value Load(int64_t offset) const;
  void Store(int64_t offset, const Value& v);
  void Clobber(int64_t offset, int64_t size);  ///< forgets what overlaps [offset, offset + size)
  void DropBelow(int64_t offset);              ///< slots under the stack pointer: no longer the function's
  void ForgetStack();                          ///< slots and entry arguments: a write to memory the flow cannot place
  void LoseStackPointer();
  void ApplyWritten(uint16_t written);  ///< registers written in ways the flow does not follow

  std::array<Value, kRegs> regs_{};
  std::array<Slot, kSlots> slots_{};
  int32_t sp_ = 0;
  bool sp_known_ = false;
  uint8_t slot_count_ = 0;
  uint8_t args_intact_ = 0;  ///< bit j: stack argument j still holds its entry value
};

}  // namespace profilegen::reach

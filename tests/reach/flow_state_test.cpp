// The data flow's state across stack slots (reach/flow_state.h), on instruction sequences as Go 1.19 and musl
// compile them (copied from objdump of Debian's runc and a static musl program: the comments give the source
// instruction). Real binaries are measured in go_test.cpp, reach_test.cpp and tests/reach/soundness.sh.
#include <catch2/catch.hpp>

#include "reach/flow_state.h"

namespace profilegen::reach {
namespace {

constexpr int kRbx = 3, kRsp = 4, kRcx = 1, kR12 = 12;

Insn Make(Kind kind, int dst = -1, int src = -1, int64_t imm = 0, int64_t disp = 0, uint16_t written = 0) {
  Insn x;
  x.kind = kind;
  x.dst = static_cast<int8_t>(dst);
  x.src = static_cast<int8_t>(src);
  x.imm = imm;
  x.target = static_cast<uint64_t>(disp);
  x.written = written;
  return x;
}

Insn SpAdd(int64_t imm) { return Make(Kind::kSpAdd, -1, -1, imm); }
Insn StoreImm(int64_t disp, int64_t imm) { return Make(Kind::kStore, -1, -1, imm, disp); }
Insn StoreReg(int64_t disp, int src) { return Make(Kind::kStore, -1, src, 0, disp); }
Insn Load(int dst, int64_t disp) { return Make(Kind::kLoad, dst, -1, 0, disp, static_cast<uint16_t>(1u << dst)); }

const Value kUnknown{};
Value Imm(int64_t v) { return {Value::kImm, v}; }
Value Entry(int location) { return {Value::kEntry, location}; }

TEST_CASE("a caller's constant stored to [rsp] is the callee's first stack argument", "[reach]") {
  // golang.org/x/sys/unix.Statfs: sub $0x60,%rsp; movq $0x89,(%rsp); mov %rcx,0x8(%rsp); call unix.Syscall
  FlowState s = FlowState::Entry();
  s.Transfer(SpAdd(-0x60));
  s.Transfer(StoreImm(0, 0x89));
  s.Transfer(StoreReg(8, kRcx));
  Args call = s.CalleeArgs(false);
  CHECK(call[kStackArg0] == Imm(0x89));
  CHECK(call[kStackArg0 + 1] == Entry(kRcx));
  CHECK(call[kRax] == Entry(kRax));
  // A jump pushes no return address: the callee's first argument is one slot higher.
  CHECK(s.CalleeArgs(true)[kStackArg0] == Entry(kRcx));
  // After the call the slots are the callee's to write (results, spilled arguments): forgotten.
  s.Transfer(Make(Kind::kCall));
  CHECK(s.CalleeArgs(false)[kStackArg0] == kUnknown);
}

TEST_CASE("an ABI0 function reads its arguments above the return address", "[reach]") {
  // syscall.Syscall's ABI0 wrapper: sub $0x28,%rsp; ...; mov 0x30(%rsp),%rax; mov 0x38(%rsp),%rbx
  FlowState s = FlowState::Entry();
  s.Transfer(SpAdd(-0x28));
  s.Transfer(StoreReg(0x20, 5));  // mov %rbp,0x20(%rsp)
  s.Transfer(Load(kRax, 0x30));
  s.Transfer(Load(kRbx, 0x38));
  CHECK(s[kRax] == Entry(kStackArg0));
  CHECK(s[kRbx] == Entry(kStackArg0 + 1));
  // syscall.rawSyscallNoError: mov 0x8(%rsp),%rax at entry.
  FlowState raw = FlowState::Entry();
  raw.Transfer(Load(kRax, 8));
  CHECK(raw[kRax] == Entry(kStackArg0));
  // Beyond the arguments followed, or once written, an argument is not the entry value any more.
  FlowState far = FlowState::Entry();
  far.Transfer(Load(kRax, 8 * (kStackArgs + 1)));
  CHECK(far[kRax] == kUnknown);
  FlowState written = FlowState::Entry();
  written.Transfer(StoreReg(12, kRcx));  // overlaps [rsp+8] and [rsp+16]
  written.Transfer(Load(kRax, 8));
  written.Transfer(Load(kRbx, 16));
  CHECK(written[kRax] == kUnknown);
  CHECK(written[kRbx] == kUnknown);
}

TEST_CASE("what the flow cannot place makes it forget the stack", "[reach]") {
  auto after = [](const Insn& x) {
    FlowState s = FlowState::Entry();
    s.Transfer(SpAdd(-0x20));
    s.Transfer(StoreImm(0, 7));
    s.Transfer(x);
    s.Transfer(Load(kRax, 0));
    return s[kRax];
  };
  CHECK(after(Make(Kind::kOther)) == Imm(7));
  CHECK(after(Make(Kind::kMemWrite)) == kUnknown);  // e.g. mov %rax,-0x8(%rbp): may be the same slot
  // Other writes at known places forget only what they overlap: unix.Close's movups %xmm15,0x10(%rsp)
  // between its movq $0x3,(%rsp) and the call.
  CHECK(after(Make(Kind::kStackWrite, -1, -1, 16, 8)) == Imm(7));
  CHECK(after(Make(Kind::kStackWrite, -1, -1, 4, 4)) == kUnknown);
  CHECK(after(Make(Kind::kStackWrite, -1, -1, 8, -4)) == kUnknown);
  CHECK(after(Make(Kind::kSyscall)) == kUnknown);  // the kernel writes where arguments point
  CHECK(after(Make(Kind::kCall)) == kUnknown);
  CHECK(after(Make(Kind::kOther, -1, -1, 0, 0, 1u << kRsp)) == kUnknown);  // and $-16,%rsp, leave, ...
  CHECK(after(Make(Kind::kMovReg, kRsp, 5)) == kUnknown);                  // mov %rbp,%rsp
  CHECK(after(Load(kRbx, 8)) == Imm(7));
  // Freed by add $0x20,%rsp: no longer the function's (a signal handler may write there).
  CHECK(after(SpAdd(0x20)) == kUnknown);
}

TEST_CASE("push and pop keep callee-saved registers; merged paths keep only what they agree on", "[reach]") {
  FlowState s = FlowState::Entry();
  s.Transfer(Make(Kind::kMovImm, kR12, -1, 20));
  s.Transfer(Make(Kind::kPush, -1, kR12));
  s.Transfer(Make(Kind::kMovImm, kR12, -1, 1));
  s.Transfer(Make(Kind::kPop, kR12));
  CHECK(s[kR12] == Imm(20));
  FlowState a = FlowState::Entry(), b = FlowState::Entry();
  a.Transfer(SpAdd(-16));
  b.Transfer(SpAdd(-16));
  a.Transfer(StoreImm(0, 1));
  b.Transfer(StoreImm(0, 2));
  a.Transfer(StoreImm(8, 3));
  b.Transfer(StoreImm(8, 3));
  CHECK(a.Meet(b));
  CHECK(!a.Meet(b));  // a fixpoint
  CHECK(a.CalleeArgs(false)[kStackArg0] == kUnknown);
  CHECK(a.CalleeArgs(false)[kStackArg0 + 1] == Imm(3));
  // Stack pointers that differ: nothing on the stack is placed.
  FlowState c = FlowState::Entry();
  c.Transfer(SpAdd(-24));
  CHECK(a.Meet(c));
  CHECK(a.CalleeArgs(false)[kStackArg0 + 1] == kUnknown);
  CHECK(FlowState::Unknown().CalleeArgs(false)[kStackArg0] == kUnknown);
}

TEST_CASE("a jump back to the function's start keeps the stack pointer known", "[reach]") {
  // Go's stack check: jbe MORESTACK at the start; MORESTACK is also where a call to a panic before it would
  // return to (it does not), so it merges two stack pointers and then jumps back to the start.
  FlowState start = FlowState::Entry();
  FlowState morestack = FlowState::Entry();
  FlowState body = FlowState::Entry();
  body.Transfer(SpAdd(-0x58));
  morestack.Meet(body);
  morestack.Transfer(Make(Kind::kCall));
  CHECK(start.MeetAtEntry(morestack));
  start.Transfer(SpAdd(-0x58));
  start.Transfer(StoreImm(0, 0x50));  // unix.Chdir: movq $0x50,(%rsp); call unix.Syscall
  CHECK(start.CalleeArgs(false)[kStackArg0] == Imm(0x50));
  // The stack arguments did not survive the call on the way round.
  FlowState entry = FlowState::Entry();
  entry.MeetAtEntry(morestack);
  entry.Transfer(Load(kRax, 8));
  CHECK(entry[kRax] == kUnknown);
}

}  // namespace
}  // namespace profilegen::reach

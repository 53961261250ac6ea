// reach/decode.h with Capstone (detail mode): the decoder of profilegen-static (Debian ships Capstone's static
// archive, not Zydis's). The same facts as decode_zydis.cpp from Capstone's instruction ids, operands and
// implicit register lists; tests/reach/decoders_test.cpp holds the two to each other.
#include <capstone/capstone.h>

#include <algorithm>
#include <array>

#include "base/error.h"
#include "reach/decode.h"
#include "reach/decode_refs.h"

namespace profilegen::reach {
namespace {

/// Capstone register -> general-purpose register index (rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8..r15) of any
/// width, -1 for the others.
class GprTable {
 public:
  GprTable() {
    table_.fill(-1);
    const std::array<std::array<x86_reg, 5>, 8> legacy = {{
        {X86_REG_AL, X86_REG_AH, X86_REG_AX, X86_REG_EAX, X86_REG_RAX},
        {X86_REG_CL, X86_REG_CH, X86_REG_CX, X86_REG_ECX, X86_REG_RCX},
        {X86_REG_DL, X86_REG_DH, X86_REG_DX, X86_REG_EDX, X86_REG_RDX},
        {X86_REG_BL, X86_REG_BH, X86_REG_BX, X86_REG_EBX, X86_REG_RBX},
        {X86_REG_SPL, X86_REG_SP, X86_REG_ESP, X86_REG_RSP, X86_REG_RSP},
        {X86_REG_BPL, X86_REG_BP, X86_REG_EBP, X86_REG_RBP, X86_REG_RBP},
        {X86_REG_SIL, X86_REG_SI, X86_REG_ESI, X86_REG_RSI, X86_REG_RSI},
        {X86_REG_DIL, X86_REG_DI, X86_REG_EDI, X86_REG_RDI, X86_REG_RDI},
    }};
    for (size_t i = 0; i < legacy.size(); ++i) {
      for (x86_reg r : legacy[i]) table_[r] = static_cast<int8_t>(i);
    }
    const std::array<std::array<x86_reg, 4>, 8> extended = {{
        {X86_REG_R8B, X86_REG_R8W, X86_REG_R8D, X86_REG_R8},
        {X86_REG_R9B, X86_REG_R9W, X86_REG_R9D, X86_REG_R9},
        {X86_REG_R10B, X86_REG_R10W, X86_REG_R10D, X86_REG_R10},
        {X86_REG_R11B, X86_REG_R11W, X86_REG_R11D, X86_REG_R11},
        {X86_REG_R12B, X86_REG_R12W, X86_REG_R12D, X86_REG_R12},
        {X86_REG_R13B, X86_REG_R13W, X86_REG_R13D, X86_REG_R13},
        {X86_REG_R14B, X86_REG_R14W, X86_REG_R14D, X86_REG_R14},
        {X86_REG_R15B, X86_REG_R15W, X86_REG_R15D, X86_REG_R15},
    }};
    for (size_t i = 0; i < extended.size(); ++i) {
      for (x86_reg r : extended[i]) table_[r] = static_cast<int8_t>(8 + i);
    }
  }

  int operator()(unsigned reg, bool is64) const {
    if (reg >= table_.size()) return -1;
    int i = table_[reg];
    return !is64 && i >= 8 ? -1 : i;
  }

 private:
  std::array<int8_t, X86_REG_ENDING> table_;
};

const GprTable kGpr;

bool IsRelativeBranch(const cs_insn& in, const cs_x86_op& op) {
  // A far branch to an immediate selector:offset is absolute (two immediates), like one through memory.
  return op.type == X86_OP_IMM && in.id != X86_INS_LJMP && in.id != X86_INS_LCALL;
}

bool InGroup(const cs_insn& in, uint8_t group) {
  for (uint8_t i = 0; i < in.detail->groups_count; ++i) {
    if (in.detail->groups[i] == group) return true;
  }
  return false;
}

class Decoder {
 public:
  explicit Decoder(const ElfImage& image) : image_(image) {
    if (cs_open(CS_ARCH_X86, image.is64 ? CS_MODE_64 : CS_MODE_32, &handle_) != CS_ERR_OK) {
      throw Error("Capstone cannot decode x86 code (cs_open failed)");
    }
    cs_option(handle_, CS_OPT_DETAIL, CS_OPT_ON);
    insn_ = cs_malloc(handle_);
    if (!insn_) {
      cs_close(&handle_);
      throw Error("Capstone cannot decode x86 code (cs_malloc failed)");
    }
  }
  ~Decoder() {
    if (insn_) cs_free(insn_, 1);
    cs_close(&handle_);
  }
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  Decoded Run() {
    for (const CodeSection& s : image_.code) DecodeSection(s);
    return std::move(out_);
  }

 private:
  void DecodeSection(const CodeSection& s) {
    const uint8_t* code = s.bytes.data();
    size_t size = s.bytes.size();
    uint64_t addr = s.addr;
    while (size > 0) {
      if (!cs_disasm_iter(handle_, &code, &size, &addr, insn_)) {
        out_.insns.push_back({addr, 0, 0, 0, Kind::kStop});  // undecodable byte: nothing falls through it
        ++code;
        --size;
        ++addr;
        continue;
      }
      out_.insns.push_back(Classify(*insn_));
    }
  }

  /// The absolute address a memory operand names when it is rip-relative or absolute, else 0.
  uint64_t MemoryAddress(const cs_insn& in, const cs_x86_op& op) const {
    if (op.type != X86_OP_MEM || op.mem.index != X86_REG_INVALID) return 0;
    if (op.mem.segment == X86_REG_FS || op.mem.segment == X86_REG_GS) return 0;
    uint64_t disp = static_cast<uint64_t>(op.mem.disp);
    if (op.mem.base == X86_REG_RIP) return in.address + in.size + disp;
    if (op.mem.base == X86_REG_INVALID) return disp;
    if (!image_.is64 && op.mem.base == X86_REG_EBX && image_.got_plt) {
      return image_.got_plt + disp;  // i386 PIC PLT: ebx holds the GOT
    }
    return 0;
  }

  /// General-purpose registers written, explicitly or implicitly (a bit per index). Where Capstone 4.0.2's
  /// operand access or implicit register lists are wrong (found by comparing with Zydis on glibc, musl and
  /// busybox; the instructions' definitions in the Intel SDM decide), the instruction's own definition wins.
  uint16_t Written(const cs_insn& in) const {
    constexpr uint16_t kAx = 1u << 0, kCx = 1u << 1, kDx = 1u << 2, kSp = 1u << 4, kR11 = 1u << 11;
    switch (in.id) {
      case X86_INS_TEST:  // flags only; Capstone marks the accumulator form's register written
        return 0;
      case X86_INS_CWD:  // dx:ax = sign of ax; Capstone adds the accumulator
      case X86_INS_CDQ:
      case X86_INS_CQO:
        return kDx;
      case X86_INS_SYSCALL:  // the return address in rcx, the flags in r11; Capstone lists neither
        return kCx | kR11;
      case X86_INS_RETF:  // pops the return address and selector; Capstone omits the stack pointer (ret has it)
      case X86_INS_RETFQ:
        return kSp;
      default:
        break;
    }
    uint16_t bits = 0;
    // The accumulator gets the memory value when the comparison fails; Capstone omits it.
    if (in.id == X86_INS_CMPXCHG) bits |= kAx;
    if (in.id == X86_INS_CMPXCHG8B || in.id == X86_INS_CMPXCHG16B) bits |= kAx | kDx;
    auto add = [&](unsigned reg) {
      int r = kGpr(reg, image_.is64);
      if (r >= 0) bits |= static_cast<uint16_t>(1u << r);
    };
    const cs_x86& x86 = in.detail->x86;
    for (uint8_t i = 0; i < x86.op_count; ++i) {
      if (x86.operands[i].type == X86_OP_REG && (x86.operands[i].access & CS_AC_WRITE)) add(x86.operands[i].reg);
    }
    for (uint8_t i = 0; i < in.detail->regs_write_count; ++i) add(in.detail->regs_write[i]);
    return bits;
  }

  Insn Classify(const cs_insn& in) {
    const cs_x86& x86 = in.detail->x86;
    const cs_x86_op* ops = x86.operands;
    Insn x;
    x.addr = in.address;
    x.written = Written(in);
    switch (in.id) {
      case X86_INS_SYSCALL:
        x.kind = Kind::kSyscall;
        return x;
      case X86_INS_SYSENTER:
        x.kind = Kind::kSyscall32;
        return x;
      case X86_INS_INT:
        if (x86.op_count == 1 && ops[0].type == X86_OP_IMM && ops[0].imm == 0x80) x.kind = Kind::kSyscall32;
        return x;
      case X86_INS_RET:
      case X86_INS_RETF:
      case X86_INS_RETFQ:
      case X86_INS_UD2:
      case X86_INS_HLT:
        x.kind = Kind::kStop;
        return x;
      case X86_INS_NOP:
      case X86_INS_INT3:
        x.kind = Kind::kPad;
        return x;
      // Transactional memory, classified as Zydis's categories have it (so that both decoders give one
      // analysis): xabort leaves for the transaction's fallback code like a jump, xend like a conditional one.
      case X86_INS_XABORT:
        x.kind = Kind::kJmp;
        x.indirect = true;
        x.written = 1u << 0;  // the abort status, in eax
        return x;
      case X86_INS_XEND:
        x.kind = Kind::kJcc;
        x.indirect = true;
        return x;
      default:
        break;
    }
    bool call = in.id == X86_INS_CALL || in.id == X86_INS_LCALL;
    bool jmp = in.id == X86_INS_JMP || in.id == X86_INS_LJMP;
    // Capstone 4 puts loop* in no group; Zydis counts them (and jcxz) as conditional branches.
    bool loop = in.id == X86_INS_LOOP || in.id == X86_INS_LOOPE || in.id == X86_INS_LOOPNE;
    bool jcc = !call && !jmp && (loop || InGroup(in, CS_GRP_JUMP));
    if (call || jmp || jcc) {
      x.kind = call ? Kind::kCall : jmp ? Kind::kJmp : Kind::kJcc;
      const cs_x86_op& op = ops[0];
      if (x86.op_count > 0 && IsRelativeBranch(in, op)) {
        AddDirectBranch(image_, static_cast<uint64_t>(op.imm), x, out_);  // Capstone gives the absolute target
      } else {
        x.indirect = true;
        if (x86.op_count == 0) return x;
        // i386 glibc enters the kernel through the vDSO: call gs:[0x10] with the number in eax.
        if (call && !image_.is64 && op.type == X86_OP_MEM && op.mem.segment == X86_REG_GS &&
            op.mem.base == X86_REG_INVALID && op.mem.index == X86_REG_INVALID && op.mem.disp == 0x10) {
          x.kind = Kind::kSyscall32;
          return x;
        }
        x.target = MemoryAddress(in, op);
      }
      return x;
    }
    std::array<Operand, 8> neutral;
    int count = std::min<int>(x86.op_count, static_cast<int>(neutral.size()));
    for (int i = 0; i < count; ++i) neutral[i] = Neutral(in, ops[i]);
    Op op = Mnemonic(in.id);
    AddOperandRefs(image_, in.address, op, neutral.data(), count, out_);
    ClassifyMove(image_, op, neutral.data(), count, x);
    return x;
  }

  Operand Neutral(const cs_insn& in, const cs_x86_op& op) const {
    Operand o;
    o.size = op.size;
    if (op.type == X86_OP_REG) {
      o.type = Operand::kReg;
      o.gpr = static_cast<int8_t>(kGpr(op.reg, image_.is64));
    } else if (op.type == X86_OP_IMM) {
      o.type = Operand::kImm;
      o.imm = op.imm;
    } else if (op.type == X86_OP_MEM) {
      o.type = Operand::kMem;
      o.rip = op.mem.base == X86_REG_RIP;
      o.stack = op.mem.base == X86_REG_RSP && op.mem.index == X86_REG_INVALID && op.mem.segment != X86_REG_FS &&
                op.mem.segment != X86_REG_GS;
      o.disp = op.mem.disp;
      o.address = MemoryAddress(in, op);
    }
    return o;
  }

  static Op Mnemonic(unsigned id) {
    switch (id) {
      case X86_INS_MOV:
      case X86_INS_MOVABS:
        return Op::kMov;
      case X86_INS_XOR:
        return Op::kXor;
      case X86_INS_SUB:
        return Op::kSub;
      case X86_INS_ADD:
        return Op::kAdd;
      case X86_INS_LEA:
        return Op::kLea;
      case X86_INS_PUSH:
        return Op::kPush;
      case X86_INS_POP:
        return Op::kPop;
      case X86_INS_CMP:
      case X86_INS_TEST:
        return Op::kCompare;
      case X86_INS_STOSB:
      case X86_INS_STOSW:
      case X86_INS_STOSD:
      case X86_INS_STOSQ:
      case X86_INS_MOVSB:
      case X86_INS_MOVSW:
      case X86_INS_MOVSD:  // also the SSE move: taken as a write, which only costs precision
      case X86_INS_MOVSQ:
      case X86_INS_INSB:
      case X86_INS_INSW:
      case X86_INS_INSD:
      case X86_INS_MASKMOVQ:
      case X86_INS_MASKMOVDQU:
      case X86_INS_VMASKMOVDQU:
      case X86_INS_FXSAVE:
      case X86_INS_FXSAVE64:
      case X86_INS_XSAVE:
      case X86_INS_XSAVE64:
      case X86_INS_XSAVEC:
      case X86_INS_XSAVEC64:
      case X86_INS_XSAVEOPT:
      case X86_INS_XSAVEOPT64:
      case X86_INS_XSAVES:
      case X86_INS_XSAVES64:
      case X86_INS_FNSAVE:
      case X86_INS_FNSTENV:
      case X86_INS_FXRSTOR:
      case X86_INS_FXRSTOR64:
      case X86_INS_XRSTOR:
      case X86_INS_XRSTOR64:
      case X86_INS_XRSTORS:
      case X86_INS_XRSTORS64:
      case X86_INS_FRSTOR:
      case X86_INS_FLDENV:
        return Op::kBulkWrite;
      default:
        return Op::kOther;
    }
  }

  const ElfImage& image_;
  csh handle_ = 0;
  cs_insn* insn_ = nullptr;
  Decoded out_;
};

}  // namespace

Decoded DecodeWithCapstone(const ElfImage& image) { return Decoder(image).Run(); }

}  // namespace profilegen::reach

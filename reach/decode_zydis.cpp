// reach/decode.h with Zydis: the decoder of the dynamically linked profilegen.
#include <Zydis/Zydis.h>

#include "reach/decode.h"
#include "reach/decode_refs.h"

namespace profilegen::reach {
namespace {

int GprIndex(ZydisRegister reg, ZydisMachineMode mode) {
  ZydisRegister big = ZydisRegisterGetLargestEnclosing(mode, reg);
  ZydisRegister base = mode == ZYDIS_MACHINE_MODE_LONG_64 ? ZYDIS_REGISTER_RAX : ZYDIS_REGISTER_EAX;
  int i = static_cast<int>(big) - static_cast<int>(base);
  int limit = mode == ZYDIS_MACHINE_MODE_LONG_64 ? 16 : 8;
  return i >= 0 && i < limit ? i : -1;
}

class Decoder {
 public:
  explicit Decoder(const ElfImage& image) : image_(image) {
    mode_ = image.is64 ? ZYDIS_MACHINE_MODE_LONG_64 : ZYDIS_MACHINE_MODE_LEGACY_32;
    ZydisDecoderInit(&decoder_, mode_, image.is64 ? ZYDIS_STACK_WIDTH_64 : ZYDIS_STACK_WIDTH_32);
  }

  Decoded Run() {
    for (const CodeSection& s : image_.code) DecodeSection(s);
    return std::move(out_);
  }

 private:
  void DecodeSection(const CodeSection& s) {
    ZydisDecodedInstruction in;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    size_t off = 0;
    while (off < s.bytes.size()) {
      uint64_t addr = s.addr + off;
      if (ZYAN_FAILED(ZydisDecoderDecodeFull(&decoder_, s.bytes.data() + off, s.bytes.size() - off, &in, ops))) {
        out_.insns.push_back({addr, 0, 0, 0, Kind::kStop});  // undecodable byte: nothing falls through it
        off += 1;
        continue;
      }
      out_.insns.push_back(Classify(in, ops, addr));
      off += in.length;
    }
  }

  /// The absolute address a memory operand names when it is rip-relative or absolute, else 0.
  uint64_t MemoryAddress(const ZydisDecodedInstruction& in, const ZydisDecodedOperand& op, uint64_t addr) const {
    if (op.type != ZYDIS_OPERAND_TYPE_MEMORY || op.mem.index != ZYDIS_REGISTER_NONE) return 0;
    if (op.mem.segment == ZYDIS_REGISTER_FS || op.mem.segment == ZYDIS_REGISTER_GS) return 0;
    if (op.mem.base == ZYDIS_REGISTER_RIP) return addr + in.length + static_cast<uint64_t>(op.mem.disp.value);
    if (op.mem.base == ZYDIS_REGISTER_NONE) return static_cast<uint64_t>(op.mem.disp.value);
    if (!image_.is64 && op.mem.base == ZYDIS_REGISTER_EBX && image_.got_plt) {
      return image_.got_plt + static_cast<uint64_t>(op.mem.disp.value);  // i386 PIC PLT: ebx holds the GOT
    }
    return 0;
  }

  Insn Classify(const ZydisDecodedInstruction& in, const ZydisDecodedOperand* ops, uint64_t addr) {
    Insn x;
    x.addr = addr;
    for (int i = 0; i < in.operand_count; ++i) {
      const ZydisDecodedOperand& op = ops[i];
      if (op.type == ZYDIS_OPERAND_TYPE_REGISTER && (op.actions & ZYDIS_OPERAND_ACTION_MASK_WRITE)) {
        int r = GprIndex(op.reg.value, mode_);
        if (r >= 0) x.written |= static_cast<uint16_t>(1u << r);
      }
    }
    switch (in.mnemonic) {
      case ZYDIS_MNEMONIC_SYSCALL:
        x.kind = Kind::kSyscall;
        return x;
      case ZYDIS_MNEMONIC_SYSENTER:
        x.kind = Kind::kSyscall32;
        return x;
      case ZYDIS_MNEMONIC_INT:
        if (ops[0].type == ZYDIS_OPERAND_TYPE_IMMEDIATE && ops[0].imm.value.u == 0x80) x.kind = Kind::kSyscall32;
        return x;
      case ZYDIS_MNEMONIC_RET:
      case ZYDIS_MNEMONIC_UD2:
      case ZYDIS_MNEMONIC_HLT:
        x.kind = Kind::kStop;
        return x;
      case ZYDIS_MNEMONIC_NOP:
      case ZYDIS_MNEMONIC_INT3:
        x.kind = Kind::kPad;
        return x;
      default:
        break;
    }
    bool call = in.meta.category == ZYDIS_CATEGORY_CALL;
    bool jmp = in.meta.category == ZYDIS_CATEGORY_UNCOND_BR;
    bool jcc = in.meta.category == ZYDIS_CATEGORY_COND_BR;
    if (call || jmp || jcc) {
      x.kind = call ? Kind::kCall : jmp ? Kind::kJmp : Kind::kJcc;
      const ZydisDecodedOperand& op = ops[0];
      if (op.type == ZYDIS_OPERAND_TYPE_IMMEDIATE && op.imm.is_relative) {
        ZyanU64 t = 0;
        ZydisCalcAbsoluteAddress(&in, &op, addr, &t);
        AddDirectBranch(image_, t, x, out_);
      } else {
        x.indirect = true;
        // i386 glibc enters the kernel through the vDSO: call gs:[0x10] with the number in eax.
        if (call && !image_.is64 && op.type == ZYDIS_OPERAND_TYPE_MEMORY && op.mem.segment == ZYDIS_REGISTER_GS &&
            op.mem.base == ZYDIS_REGISTER_NONE && op.mem.disp.value == 0x10) {
          x.kind = Kind::kSyscall32;
          return x;
        }
        x.target = MemoryAddress(in, op, addr);
      }
      return x;
    }
    Operand neutral[ZYDIS_MAX_OPERAND_COUNT];
    int count = in.operand_count_visible;
    for (int i = 0; i < count; ++i) neutral[i] = Neutral(in, ops[i], addr);
    Op op = Mnemonic(in.mnemonic);
    AddOperandRefs(image_, addr, op, neutral, count, out_);
    ClassifyMove(image_, op, neutral, count, x);
    return x;
  }

  Operand Neutral(const ZydisDecodedInstruction& in, const ZydisDecodedOperand& op, uint64_t addr) const {
    Operand o;
    o.size = static_cast<uint16_t>(op.size / 8);
    if (op.type == ZYDIS_OPERAND_TYPE_REGISTER) {
      o.type = Operand::kReg;
      o.gpr = static_cast<int8_t>(GprIndex(op.reg.value, mode_));
    } else if (op.type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
      o.type = Operand::kImm;
      o.imm = op.imm.value.s;
    } else if (op.type == ZYDIS_OPERAND_TYPE_MEMORY) {
      o.type = Operand::kMem;
      o.rip = op.mem.base == ZYDIS_REGISTER_RIP;
      o.stack = op.mem.base == ZYDIS_REGISTER_RSP && op.mem.index == ZYDIS_REGISTER_NONE &&
                op.mem.segment != ZYDIS_REGISTER_FS && op.mem.segment != ZYDIS_REGISTER_GS;
      o.disp = op.mem.disp.value;
      o.address = MemoryAddress(in, op, addr);
    }
    return o;
  }

  static Op Mnemonic(ZydisMnemonic m) {
    switch (m) {
      case ZYDIS_MNEMONIC_MOV:
        return Op::kMov;
      case ZYDIS_MNEMONIC_XOR:
        return Op::kXor;
      case ZYDIS_MNEMONIC_SUB:
        return Op::kSub;
      case ZYDIS_MNEMONIC_ADD:
        return Op::kAdd;
      case ZYDIS_MNEMONIC_LEA:
        return Op::kLea;
      case ZYDIS_MNEMONIC_PUSH:
        return Op::kPush;
      case ZYDIS_MNEMONIC_POP:
        return Op::kPop;
      case ZYDIS_MNEMONIC_CMP:
      case ZYDIS_MNEMONIC_TEST:
        return Op::kCompare;
      case ZYDIS_MNEMONIC_STOSB:
      case ZYDIS_MNEMONIC_STOSW:
      case ZYDIS_MNEMONIC_STOSD:
      case ZYDIS_MNEMONIC_STOSQ:
      case ZYDIS_MNEMONIC_MOVSB:
      case ZYDIS_MNEMONIC_MOVSW:
      case ZYDIS_MNEMONIC_MOVSD:  // also the SSE move: taken as a write, which only costs precision
      case ZYDIS_MNEMONIC_MOVSQ:
      case ZYDIS_MNEMONIC_INSB:
      case ZYDIS_MNEMONIC_INSW:
      case ZYDIS_MNEMONIC_INSD:
      case ZYDIS_MNEMONIC_MASKMOVQ:
      case ZYDIS_MNEMONIC_MASKMOVDQU:
      case ZYDIS_MNEMONIC_VMASKMOVDQU:
      case ZYDIS_MNEMONIC_FXSAVE:
      case ZYDIS_MNEMONIC_FXSAVE64:
      case ZYDIS_MNEMONIC_XSAVE:
      case ZYDIS_MNEMONIC_XSAVE64:
      case ZYDIS_MNEMONIC_XSAVEC:
      case ZYDIS_MNEMONIC_XSAVEC64:
      case ZYDIS_MNEMONIC_XSAVEOPT:
      case ZYDIS_MNEMONIC_XSAVEOPT64:
      case ZYDIS_MNEMONIC_XSAVES:
      case ZYDIS_MNEMONIC_XSAVES64:
      case ZYDIS_MNEMONIC_FNSAVE:
      case ZYDIS_MNEMONIC_FNSTENV:
      case ZYDIS_MNEMONIC_FXRSTOR:
      case ZYDIS_MNEMONIC_FXRSTOR64:
      case ZYDIS_MNEMONIC_XRSTOR:
      case ZYDIS_MNEMONIC_XRSTOR64:
      case ZYDIS_MNEMONIC_XRSTORS:
      case ZYDIS_MNEMONIC_XRSTORS64:
      case ZYDIS_MNEMONIC_FRSTOR:
      case ZYDIS_MNEMONIC_FLDENV:
        return Op::kBulkWrite;
      default:
        return Op::kOther;
    }
  }

  const ElfImage& image_;
  ZydisMachineMode mode_;
  ZydisDecoder decoder_;
  Decoded out_;
};

}  // namespace

Decoded DecodeWithZydis(const ElfImage& image) { return Decoder(image).Run(); }

}  // namespace profilegen::reach

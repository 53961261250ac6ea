// reach/decode.h with Zydis: the decoder of the dynamically linked profilegen.
#include <Zydis/Zydis.h>

#include "reach/decode.h"

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
        x.target = t;
        if (call && !image_.is64) {
          int reg = image_.PcThunkRegister(t);
          if (reg >= 0) {  // __x86.get_pc_thunk.*: writes one register, not a call in any other sense
            x.kind = Kind::kOther;
            x.written = static_cast<uint16_t>(1u << reg);
            x.target = 0;
            return x;
          }
        }
        if (call) out_.call_targets.push_back(t);
        if (jmp || jcc) ++out_.jump_targets[t];
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
    // Code addresses taken: lea rip-relative, or (non-PIC code) immediates and absolute operands.
    for (int i = 0; i < in.operand_count_visible; ++i) {
      const ZydisDecodedOperand& op = ops[i];
      uint64_t ref = 0;
      if (op.type == ZYDIS_OPERAND_TYPE_MEMORY) {
        ref = MemoryAddress(in, op, addr);
        if (in.mnemonic != ZYDIS_MNEMONIC_LEA) {
          auto got = image_.got_imports.find(ref);
          if (got != image_.got_imports.end()) out_.import_loads.push_back({addr, got->second});
          if (image_.shared || op.mem.base == ZYDIS_REGISTER_RIP) ref = 0;  // a load, not an address taken
        }
      } else if (op.type == ZYDIS_OPERAND_TYPE_IMMEDIATE && !image_.shared) {
        ref = op.imm.value.u;
      }
      if (ref && image_.InCode(ref)) out_.code_pointers.push_back({addr, ref});
    }
    if (in.operand_count_visible == 2 && ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER) {
      int dst = GprIndex(ops[0].reg.value, mode_);
      int width = ops[0].size;
      if (dst < 0 || width < 32) return x;
      if (in.mnemonic == ZYDIS_MNEMONIC_MOV && ops[1].type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
        x.kind = Kind::kMovImm;
        x.dst = static_cast<int8_t>(dst);
        x.imm = width == 32 ? static_cast<int64_t>(static_cast<uint32_t>(ops[1].imm.value.u)) : ops[1].imm.value.s;
      } else if (in.mnemonic == ZYDIS_MNEMONIC_MOV && ops[1].type == ZYDIS_OPERAND_TYPE_REGISTER &&
                 ops[1].size == width) {
        int src = GprIndex(ops[1].reg.value, mode_);
        if (src >= 0) {
          x.kind = Kind::kMovReg;
          x.dst = static_cast<int8_t>(dst);
          x.src = static_cast<int8_t>(src);
        }
      } else if ((in.mnemonic == ZYDIS_MNEMONIC_XOR || in.mnemonic == ZYDIS_MNEMONIC_SUB) &&
                 ops[1].type == ZYDIS_OPERAND_TYPE_REGISTER && ops[1].reg.value == ops[0].reg.value) {
        x.kind = Kind::kXorSelf;
        x.dst = static_cast<int8_t>(dst);
      }
    }
    return x;
  }

  const ElfImage& image_;
  ZydisMachineMode mode_;
  ZydisDecoder decoder_;
  Decoded out_;
};

}  // namespace

Decoded DecodeWithZydis(const ElfImage& image) { return Decoder(image).Run(); }

}  // namespace profilegen::reach

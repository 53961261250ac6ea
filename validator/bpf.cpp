#include "validator/bpf.h"

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include <cstddef>
#include <cstring>
#include <string>

#include "base/error.h"

namespace profilegen::validator {
namespace {

// The kernel's layout of struct seccomp_data: nr, arch, instruction_pointer, args[6].
constexpr uint32_t kOffsetNr = 0;
constexpr uint32_t kOffsetArch = 4;
constexpr uint32_t kSeccompDataSize = 64;

Error BadProgram(size_t pc, const std::string& what) {
  return Error("invalid BPF program at instruction " + std::to_string(pc) + ": " + what, kExitCheckFailed);
}

// The seccomp_data bytes in host order, as LD|W|ABS reads them.
void Serialise(const SeccompData& d, unsigned char (&bytes)[kSeccompDataSize]) {
  std::memcpy(bytes + 0, &d.nr, 4);
  std::memcpy(bytes + 4, &d.arch, 4);
  std::memcpy(bytes + 8, &d.instruction_pointer, 8);
  std::memcpy(bytes + 16, d.args, sizeof d.args);
}

uint32_t Alu(uint16_t op, uint32_t a, uint32_t operand, size_t pc) {
  switch (op) {
    case BPF_ADD: return a + operand;
    case BPF_SUB: return a - operand;
    case BPF_MUL: return a * operand;
    case BPF_DIV:
      if (operand == 0) return 0;  // the kernel's interpreter returns 0 from the program; treated below
      return a / operand;
    case BPF_MOD:
      if (operand == 0) return 0;
      return a % operand;
    case BPF_OR: return a | operand;
    case BPF_AND: return a & operand;
    case BPF_XOR: return a ^ operand;
    case BPF_LSH: return operand >= 32 ? 0 : a << operand;
    case BPF_RSH: return operand >= 32 ? 0 : a >> operand;
    case BPF_NEG: return 0u - a;
    default: throw BadProgram(pc, "unknown ALU operation");
  }
}

bool JumpTaken(uint16_t op, uint32_t a, uint32_t operand, size_t pc) {
  switch (op) {
    case BPF_JEQ: return a == operand;
    case BPF_JGT: return a > operand;
    case BPF_JGE: return a >= operand;
    case BPF_JSET: return (a & operand) != 0;
    default: throw BadProgram(pc, "unknown jump");
  }
}

}  // namespace

uint32_t AuditArch(sys::ArchToken arch) { return arch == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : arch; }

int32_t FilterNumber(sys::ArchToken arch, int64_t nr) {
  uint32_t n = static_cast<uint32_t>(nr);
  if (arch == SCMP_ARCH_X32) n |= sys::kX32SyscallBit;
  return static_cast<int32_t>(n);
}

uint32_t RunFilter(const Program& program, const SeccompData& data) {
  unsigned char bytes[kSeccompDataSize];
  Serialise(data, bytes);
  uint32_t a = 0, x = 0;
  uint32_t mem[BPF_MEMWORDS] = {};
  for (size_t pc = 0; pc < program.size(); ++pc) {
    const sock_filter& in = program[pc];
    const uint16_t cls = BPF_CLASS(in.code);
    switch (cls) {
      case BPF_LD:
      case BPF_LDX: {
        uint32_t value = 0;
        const uint16_t mode = BPF_MODE(in.code);
        if (mode == BPF_ABS && cls == BPF_LD && BPF_SIZE(in.code) == BPF_W) {
          if (in.k % 4 != 0 || in.k >= kSeccompDataSize) throw BadProgram(pc, "load outside seccomp_data");
          std::memcpy(&value, bytes + in.k, 4);
        } else if (mode == BPF_IMM) {
          value = in.k;
        } else if (mode == BPF_MEM) {
          if (in.k >= BPF_MEMWORDS) throw BadProgram(pc, "scratch memory index out of range");
          value = mem[in.k];
        } else if (mode == BPF_LEN) {
          value = kSeccompDataSize;
        } else {
          throw BadProgram(pc, "load mode not allowed in seccomp filters");
        }
        (cls == BPF_LD ? a : x) = value;
        break;
      }
      case BPF_ST:
      case BPF_STX:
        if (in.k >= BPF_MEMWORDS) throw BadProgram(pc, "scratch memory index out of range");
        mem[in.k] = cls == BPF_ST ? a : x;
        break;
      case BPF_ALU: {
        const uint16_t op = BPF_OP(in.code);
        const uint32_t operand = BPF_SRC(in.code) == BPF_X ? x : in.k;
        if ((op == BPF_DIV || op == BPF_MOD) && operand == 0) return 0;  // the kernel aborts the program: KILL
        a = Alu(op, a, operand, pc);
        break;
      }
      case BPF_JMP: {
        const uint16_t op = BPF_OP(in.code);
        size_t next;
        if (op == BPF_JA) {
          next = pc + 1 + in.k;
        } else {
          const uint32_t operand = BPF_SRC(in.code) == BPF_X ? x : in.k;
          next = pc + 1 + (JumpTaken(op, a, operand, pc) ? in.jt : in.jf);
        }
        if (next >= program.size()) throw BadProgram(pc, "jump past the end");
        pc = next - 1;
        break;
      }
      case BPF_RET:
        switch (BPF_RVAL(in.code)) {
          case BPF_K: return in.k;
          case BPF_A: return a;
          default: throw BadProgram(pc, "return of X is not allowed in seccomp filters");
        }
      case BPF_MISC:
        if (BPF_MISCOP(in.code) == BPF_TAX) {
          x = a;
        } else {
          a = x;
        }
        break;
      default: throw BadProgram(pc, "unknown instruction class");
    }
  }
  throw BadProgram(program.size(), "the program ends without a return");
}

std::optional<uint32_t> ConstantAction(const Program& program, uint32_t arch, int32_t nr) {
  // Mirrors the kernel's emulation: anything but these instructions, or a load of anything but nr and arch,
  // makes the result depend on the call and the syscall uncacheable.
  uint32_t a = 0;
  for (size_t pc = 0; pc < program.size(); ++pc) {
    const sock_filter& in = program[pc];
    switch (in.code) {
      case BPF_LD | BPF_W | BPF_ABS:
        if (in.k == kOffsetNr) {
          a = static_cast<uint32_t>(nr);
        } else if (in.k == kOffsetArch) {
          a = arch;
        } else {
          return std::nullopt;
        }
        break;
      case BPF_RET | BPF_K: return in.k;
      case BPF_JMP | BPF_JA: pc += in.k; break;
      case BPF_JMP | BPF_JEQ | BPF_K:
      case BPF_JMP | BPF_JGE | BPF_K:
      case BPF_JMP | BPF_JGT | BPF_K:
      case BPF_JMP | BPF_JSET | BPF_K: pc += JumpTaken(BPF_OP(in.code), a, in.k, pc) ? in.jt : in.jf; break;
      case BPF_ALU | BPF_AND | BPF_K: a &= in.k; break;
      default: return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace profilegen::validator

#include "reach/analyse.h"

#include <Zydis/Zydis.h>

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "base/error.h"

namespace profilegen::reach {
namespace {

constexpr int kRegs = 16;
using State = std::array<Value, kRegs>;

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
};

struct Insn {
  uint64_t addr = 0;
  uint64_t target = 0;  ///< direct branch target, or the memory slot of an indirect one (0: none)
  int64_t imm = 0;
  uint16_t written = 0;  ///< general-purpose registers written (bit per index)
  Kind kind = Kind::kOther;
  int8_t dst = -1, src = -1;
  bool indirect = false;  ///< branch through memory (target is the slot) or register (target 0)
};

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

  /// i386 position-independent code calls a thunk `mov reg, [esp]; ret` to learn its address: the register
  /// index it writes, or -1 when `target` is not such a thunk.
  int PcThunkRegister(uint64_t target) const {
    for (const CodeSection& s : image_.code) {
      if (target < s.addr || target - s.addr + 4 > s.bytes.size()) continue;
      const uint8_t* b = s.bytes.data() + (target - s.addr);
      if (b[0] == 0x8b && (b[1] & 0xc7) == 0x04 && b[2] == 0x24 && b[3] == 0xc3) return (b[1] >> 3) & 7;
    }
    return -1;
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
          int reg = PcThunkRegister(t);
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

/// Splits decoded code into functions and follows the register state through each.
class Builder {
 public:
  Builder(const ElfImage& image, Decoded& d) : image_(image), d_(d) {
    x86_64_ = sys::ArchByNativeName("amd64")->token;
    i386_ = sys::ArchByNativeName("i386")->token;
  }

  BinarySummary Run() {
    s_.path = image_.path;
    s_.is64 = image_.is64;
    s_.interp = image_.interp;
    s_.needed = image_.needed;
    s_.runpath = image_.runpath;
    s_.instructions = d_.insns.size();
    MakeFunctions();
    for (size_t f = 0; f < s_.functions.size(); ++f) FindStub(f);
    for (size_t f = 0; f < s_.functions.size(); ++f) WalkFunction(f);
    ResolveLocalWrappers();
    AddTakenAddresses();
    MakeRootsAndExports();
    for (Function& f : s_.functions) {
      std::sort(f.syscalls.begin(), f.syscalls.end());
      f.syscalls.erase(std::unique(f.syscalls.begin(), f.syscalls.end()), f.syscalls.end());
      std::sort(f.callees.begin(), f.callees.end());
      f.callees.erase(std::unique(f.callees.begin(), f.callees.end()), f.callees.end());
    }
    return std::move(s_);
  }

 private:
  struct LocalCall {
    uint32_t caller, callee;
    State state;
    uint64_t addr;
  };

  void MakeFunctions() {
    std::vector<uint64_t> starts;
    std::unordered_map<uint64_t, std::string> names;
    for (const FunctionSymbol& f : image_.functions) {
      if (!image_.InCode(f.addr)) continue;
      starts.push_back(f.addr);
      auto& n = names[f.addr];
      if (n.empty() || (n[0] == '_' && f.name[0] != '_')) n = f.name;  // prefer "read" over "__libc_read"
    }
    for (uint64_t a : d_.call_targets) {
      if (image_.InCode(a)) starts.push_back(a);
    }
    for (uint64_t a : image_.init_functions) {
      if (image_.InCode(a)) starts.push_back(a);
    }
    if (image_.InCode(image_.entry)) starts.push_back(image_.entry);
    // PLT stubs reached by a tail jump (`jmp posix_fadvise@plt`) are functions too, or the jump would land in
    // whichever stub before them was called.
    for (const CodeSection& c : image_.code) {
      if (c.name.rfind(".plt", 0) != 0) continue;
      for (const auto& [target, count] : d_.jump_targets) {
        if (target >= c.addr && target - c.addr < c.bytes.size()) starts.push_back(target);
      }
    }
    // Addresses taken in code or data are functions too (stripped binaries name no others), but may also be
    // labels inside one: the flow starts there with nothing known.
    std::vector<uint64_t> hard = starts;
    std::sort(hard.begin(), hard.end());
    for (uint64_t a : image_.code_pointers) starts.push_back(a);
    for (const auto& p : d_.code_pointers) starts.push_back(p.second);
    for (const CodeSection& c : image_.code) starts.push_back(c.addr);
    std::sort(starts.begin(), starts.end());
    starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
    for (uint64_t a : starts) {
      soft_.push_back(!std::binary_search(hard.begin(), hard.end(), a));
      Function f;
      f.addr = a;
      auto n = names.find(a);
      if (n != names.end()) f.name = n->second;
      s_.functions.push_back(std::move(f));
    }
  }

  /// The function whose range holds `addr`, or -1.
  int64_t FunctionAt(uint64_t addr) const {
    if (!image_.InCode(addr)) return -1;
    auto it = std::upper_bound(s_.functions.begin(), s_.functions.end(), addr,
                               [](uint64_t a, const Function& f) { return a < f.addr; });
    if (it == s_.functions.begin()) return -1;
    return (it - s_.functions.begin()) - 1;
  }

  uint32_t ImportIndex(const std::string& name) {
    auto [it, fresh] = import_index_.try_emplace(name, static_cast<uint32_t>(s_.import_names.size()));
    if (fresh) s_.import_names.push_back(name);
    return it->second;
  }

  /// A PLT stub: after any endbr/nop, an indirect jump through an import's GOT slot.
  const std::string* StubImport(size_t first, size_t end) const {
    for (size_t i = first; i < end && i < first + 3; ++i) {
      const Insn& x = d_.insns[i];
      if ((x.kind == Kind::kOther && x.written == 0) || x.kind == Kind::kPad) continue;
      if (x.kind != Kind::kJmp || !x.indirect) return nullptr;
      auto got = image_.got_imports.find(x.target);
      return got == image_.got_imports.end() ? nullptr : &got->second;
    }
    return nullptr;
  }

  void AddSyscall(Function& f, sys::ArchToken arch, const Value& v, uint64_t addr, uint32_t index) {
    if (v.kind == Value::kImm) {
      f.syscalls.push_back({arch, v.v});
    } else if (v.kind == Value::kEntry && arch == x86_64_ && (f.wrapper_reg < 0 || f.wrapper_reg == v.v)) {
      f.wrapper_reg = static_cast<int>(v.v);
      wrapper_sites_[index] = addr;
    } else {
      f.unresolved.push_back(addr);
    }
  }

  void Call(uint32_t fi, const Insn& x, const State& st) {
    Function& f = s_.functions[fi];
    if (x.indirect) {
      auto got = image_.got_imports.find(x.target);
      if (got != image_.got_imports.end()) f.imports.push_back({ImportIndex(got->second), st[kRax], st[kRdi], st[kRsi]});
      return;  // other indirect calls reach address-taken functions, which are roots
    }
    int64_t callee = FunctionAt(x.target);
    if (callee < 0) return;
    auto stub = stubs_.find(static_cast<uint32_t>(callee));
    if (stub != stubs_.end()) {
      f.imports.push_back({ImportIndex(stub->second), st[kRax], st[kRdi], st[kRsi]});
      return;
    }
    if (static_cast<uint32_t>(callee) == fi && x.kind == Kind::kJmp) return;
    f.callees.push_back(static_cast<uint32_t>(callee));
    local_calls_.push_back({fi, static_cast<uint32_t>(callee), st, x.addr});
  }

  /// The instructions [first, last) of function `fi`.
  std::pair<size_t, size_t> Range(size_t fi) const {
    uint64_t start = s_.functions[fi].addr;
    uint64_t end = fi + 1 < s_.functions.size() ? s_.functions[fi + 1].addr : UINT64_MAX;
    auto first = std::lower_bound(d_.insns.begin(), d_.insns.end(), start,
                                  [](const Insn& x, uint64_t a) { return x.addr < a; });
    size_t i0 = static_cast<size_t>(first - d_.insns.begin());
    size_t i1 = i0;
    while (i1 < d_.insns.size() && d_.insns[i1].addr < end) ++i1;
    return {i0, i1};
  }

  /// PLT stubs stand for their import: calls to them are recorded as calls to the import.
  void FindStub(size_t fi) {
    auto [i0, i1] = Range(fi);
    if (const std::string* imp = StubImport(i0, i1)) {
      stubs_[static_cast<uint32_t>(fi)] = *imp;
      s_.functions[fi].imports.push_back({ImportIndex(*imp), {Value::kEntry, kRax}, {Value::kEntry, kRdi},
                                          {Value::kEntry, kRsi}});
    }
  }

  /// The register state after `x`, given the state before it.
  static void Transfer(const Insn& x, State& st) {
    switch (x.kind) {
      case Kind::kSyscall:
        st[kRax] = {};
        st[1] = {};   // rcx
        st[11] = {};  // r11
        break;
      case Kind::kSyscall32:
        st[kRax] = {};
        break;
      case Kind::kCall:
        // Only the caller-saved registers change: the C ABIs preserve the rest, and Go's register ABI preserves
        // nothing, so Go code reloads what it needs after a call (a load: unknown to this analysis).
        for (int r : {0, 1, 2, 6, 7, 8, 9, 10, 11}) st[r] = {};
        break;
      case Kind::kMovImm:
        st[x.dst] = {Value::kImm, x.imm};
        break;
      case Kind::kMovReg:
        st[x.dst] = st[x.src];
        break;
      case Kind::kXorSelf:
        st[x.dst] = {Value::kImm, 0};
        break;
      default:
        for (int r = 0; r < kRegs; ++r) {
          if (x.written & (1u << r)) st[r] = {};
        }
        break;
    }
  }

  /// Merges `from` into `into` (a register that differs becomes unknown); whether `into` changed.
  static bool Meet(std::optional<State>& into, const State& from) {
    if (!into) {
      into = from;
      return true;
    }
    bool changed = false;
    for (int r = 0; r < kRegs; ++r) {
      if ((*into)[r].kind != Value::kUnknown && !((*into)[r] == from[r])) {
        (*into)[r] = {};
        changed = true;
      }
    }
    return changed;
  }

  /// Forward data flow of constants and entry registers over one function's instructions, to a fixpoint.
  /// Entry points the flow cannot see (jumps from other functions, targets of jump tables) start unknown.
  std::vector<std::optional<State>> FlowStates(size_t i0, size_t i1, uint64_t start, uint64_t end,
                                               bool soft) const {
    size_t n = i1 - i0;
    std::vector<std::optional<State>> in(n);
    std::vector<int64_t> target(n, -1);
    std::unordered_map<uint64_t, uint32_t> local_jumps;
    bool jump_table = false;
    auto index_of = [&](uint64_t addr) -> int64_t {
      auto it = std::lower_bound(d_.insns.begin() + static_cast<long>(i0), d_.insns.begin() + static_cast<long>(i1),
                                 addr, [](const Insn& x, uint64_t a) { return x.addr < a; });
      if (it == d_.insns.begin() + static_cast<long>(i1) || it->addr != addr) return -1;
      return (it - d_.insns.begin()) - static_cast<long>(i0);
    };
    for (size_t k = 0; k < n; ++k) {
      const Insn& x = d_.insns[i0 + k];
      if ((x.kind == Kind::kJmp || x.kind == Kind::kJcc) && !x.indirect && x.target >= start && x.target < end) {
        target[k] = index_of(x.target);
        ++local_jumps[x.target];
      }
      if (x.kind == Kind::kJmp && x.indirect && !image_.got_imports.count(x.target)) jump_table = true;
    }
    State entry, unknown;
    for (int r = 0; r < kRegs; ++r) entry[r] = {Value::kEntry, r};
    in[0] = soft ? unknown : entry;
    for (size_t k = 0; k < n; ++k) {
      const Insn& x = d_.insns[i0 + k];
      auto g = d_.jump_targets.find(x.addr);
      bool external = g != d_.jump_targets.end() && g->second > local_jumps[x.addr];
      bool after_transfer = k > 0 && (d_.insns[i0 + k - 1].kind == Kind::kJmp ||
                                      d_.insns[i0 + k - 1].kind == Kind::kStop);
      if (k > 0 && (external || (jump_table && after_transfer))) Meet(in[k], unknown);
    }
    // Code the flow does not reach from the start (after a ret: often a function a stripped binary does not
    // name) starts with nothing known, and the flow runs again from there.
    for (size_t unreached = 0; unreached < n;) {
      for (bool changed = true; changed;) {
        changed = false;
        for (size_t k = 0; k < n; ++k) {
          if (!in[k]) continue;
          const Insn& x = d_.insns[i0 + k];
          State out = *in[k];
          Transfer(x, out);
          if (x.kind != Kind::kJmp && x.kind != Kind::kStop && k + 1 < n) changed |= Meet(in[k + 1], out);
          if (target[k] >= 0) changed |= Meet(in[static_cast<size_t>(target[k])], out);
        }
      }
      while (unreached < n && in[unreached]) ++unreached;
      if (unreached < n) in[unreached] = unknown;
    }
    return in;
  }

  void WalkFunction(size_t fi) {
    if (stubs_.count(static_cast<uint32_t>(fi))) return;
    uint64_t start = s_.functions[fi].addr;
    uint64_t end = fi + 1 < s_.functions.size() ? s_.functions[fi + 1].addr : UINT64_MAX;
    auto [i0, i1] = Range(fi);
    if (i0 == i1) return;
    std::vector<std::optional<State>> states = FlowStates(i0, i1, start, end, soft_[fi]);
    // Whether control can run off the end into the next function. A call as the last instruction is taken as
    // a call that does not return (abort, __stack_chk_fail): compilers emit nothing after those.
    bool falls = true;
    uint32_t f = static_cast<uint32_t>(fi);
    const State unknown{};
    for (size_t i = i0; i < i1; ++i) {
      const Insn& x = d_.insns[i];
      const State& st = states[i - i0] ? *states[i - i0] : unknown;  // code the flow never reached
      if (x.kind != Kind::kPad) falls = x.kind != Kind::kCall;
      switch (x.kind) {
        case Kind::kSyscall:
          AddSyscall(s_.functions[f], x86_64_, st[kRax], x.addr, f);
          break;
        case Kind::kSyscall32:
          AddSyscall(s_.functions[f], i386_, st[kRax], x.addr, f);
          break;
        case Kind::kCall:
          Call(f, x, st);
          break;
        case Kind::kJmp:
          if (x.indirect || x.target < start || x.target >= end) Call(f, x, st);
          falls = false;
          break;
        case Kind::kJcc:
          if (x.target < start || x.target >= end) Call(f, x, st);
          break;
        case Kind::kStop:
          falls = false;
          break;
        default:
          break;
      }
    }
    if (falls && fi + 1 < s_.functions.size() && i1 < d_.insns.size()) {
      s_.functions[fi].callees.push_back(static_cast<uint32_t>(fi + 1));  // falls into the next function
    }
  }

  /// A call to a local wrapper with a constant number adds that syscall to the caller; with the caller's own
  /// entry register, the caller becomes a wrapper too (to a fixpoint); otherwise the caller's site is unresolved.
  void ResolveLocalWrappers() {
    for (bool changed = true; changed;) {
      changed = false;
      for (const LocalCall& c : local_calls_) {
        Function& caller = s_.functions[c.caller];
        int r = s_.functions[c.callee].wrapper_reg;
        if (r < 0 || caller.wrapper_reg >= 0) continue;
        if (c.state[r].kind == Value::kEntry && caller.addr != s_.functions[c.callee].addr) {
          caller.wrapper_reg = static_cast<int>(c.state[r].v);
          changed = true;
        }
      }
    }
    for (const LocalCall& c : local_calls_) {
      int r = s_.functions[c.callee].wrapper_reg;
      if (r < 0) continue;
      Function& caller = s_.functions[c.caller];
      const Value& v = c.state[r];
      if (v.kind == Value::kImm) {
        caller.syscalls.push_back({x86_64_, v.v});
      } else if (!(v.kind == Value::kEntry && v.v == caller.wrapper_reg)) {
        caller.unresolved.push_back(c.addr);
      }
    }
  }

  void AddTakenAddresses() {
    for (const auto& [insn, target] : d_.code_pointers) {
      int64_t from = FunctionAt(insn), to = FunctionAt(target);
      if (from >= 0 && to >= 0 && from != to) s_.functions[from].callees.push_back(static_cast<uint32_t>(to));
    }
    for (const auto& [insn, name] : d_.import_loads) {
      int64_t from = FunctionAt(insn);
      if (from >= 0) s_.functions[from].imports.push_back({ImportIndex(name), {}, {}, {}});
    }
  }

  void MakeRootsAndExports() {
    std::vector<uint32_t> roots;
    auto root = [&](uint64_t addr) {
      int64_t f = FunctionAt(addr);
      if (f >= 0) roots.push_back(static_cast<uint32_t>(f));
    };
    if (image_.InCode(image_.entry) && image_.entry != 0) {
      s_.entry = FunctionAt(image_.entry);
      root(image_.entry);
    }
    for (uint64_t a : image_.init_functions) root(a);
    for (uint64_t a : image_.code_pointers) root(a);
    std::sort(roots.begin(), roots.end());
    roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
    s_.roots = std::move(roots);
    for (const FunctionSymbol& sym : image_.functions) {
      if (!sym.exported) continue;
      int64_t f = FunctionAt(sym.addr);
      if (f >= 0 && s_.functions[f].addr == sym.addr) s_.exports.emplace(sym.name, static_cast<uint32_t>(f));
    }
    std::vector<uint32_t> imported;
    for (const std::string& n : image_.import_pointers) imported.push_back(ImportIndex(n));
    std::sort(imported.begin(), imported.end());
    imported.erase(std::unique(imported.begin(), imported.end()), imported.end());
    s_.imported_roots = std::move(imported);
    // A program that calls dlsym may call any function whose name it holds as a string (V8 looks up
    // pkey_alloc this way): those names are resolved like imports when the program is put together.
    if (import_index_.count("dlsym") || import_index_.count("dlvsym")) {
      std::set<std::string> names(image_.identifiers.begin(), image_.identifiers.end());
      s_.dlsym_names.assign(names.begin(), names.end());
    }
  }

  const ElfImage& image_;
  Decoded& d_;
  BinarySummary s_;
  sys::ArchToken x86_64_ = 0, i386_ = 0;
  std::unordered_map<std::string, uint32_t> import_index_;
  std::unordered_map<uint32_t, std::string> stubs_;
  std::unordered_map<uint32_t, uint64_t> wrapper_sites_;
  std::vector<LocalCall> local_calls_;
  std::vector<bool> soft_;  ///< per function: its start is an address taken, not a known entry point
};

}  // namespace

BinarySummary Analyse(const ElfImage& image) {
  Decoded d = Decoder(image).Run();
  return Builder(image, d).Run();
}

}  // namespace profilegen::reach

#include "reach/analyse.h"

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "base/error.h"
#include "reach/decode.h"
#include "reach/flow_state.h"
#include "reach/go_syscalls.h"

namespace profilegen::reach {
namespace {

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
    Args args;  ///< the callee's entry locations: registers and stack arguments
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

  void Call(uint32_t fi, const Insn& x, const FlowState& st) {
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
    local_calls_.push_back({fi, static_cast<uint32_t>(callee), st.CalleeArgs(x.kind != Kind::kCall), x.addr});
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

  /// Merges `from` into `into`, which may not be set yet; whether `into` changed.
  static bool Meet(std::optional<FlowState>& into, const FlowState& from) {
    if (!into) {
      into = from;
      return true;
    }
    return into->Meet(from);
  }

  /// Forward data flow of constants and entry registers over one function's instructions, to a fixpoint.
  /// Entry points the flow cannot see (jumps from other functions, targets of jump tables) start unknown.
  std::vector<std::optional<FlowState>> FlowStates(size_t i0, size_t i1, uint64_t start, uint64_t end,
                                               bool soft) const {
    size_t n = i1 - i0;
    std::vector<std::optional<FlowState>> in(n);
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
    const FlowState unknown = FlowState::Unknown();
    in[0] = soft ? unknown : FlowState::Entry();
    // Padding (nop, int3) after a jump or return is never run: the label after it is where control may arrive.
    bool after_transfer = false;
    for (size_t k = 0; k < n; ++k) {
      const Insn& x = d_.insns[i0 + k];
      if (x.kind == Kind::kPad) continue;
      auto g = d_.jump_targets.find(x.addr);
      bool external = g != d_.jump_targets.end() && g->second > local_jumps[x.addr];
      if (k > 0 && (external || (jump_table && after_transfer))) Meet(in[k], unknown);
      after_transfer = x.kind == Kind::kJmp || x.kind == Kind::kStop;
    }
    // Code the flow does not reach from the start (after a ret: often a function a stripped binary does not
    // name) starts with nothing known, and the flow runs again from there; padding the flow does not reach
    // stays unreached (starting it with nothing known would let that fall into a loop head aligned after it).
    for (size_t unreached = 0; unreached < n;) {
      for (bool changed = true; changed;) {
        changed = false;
        for (size_t k = 0; k < n; ++k) {
          if (!in[k]) continue;
          const Insn& x = d_.insns[i0 + k];
          FlowState out = *in[k];
          out.Transfer(x);
          if (x.kind != Kind::kJmp && x.kind != Kind::kStop && k + 1 < n) changed |= Meet(in[k + 1], out);
          if (target[k] == 0 && !soft) {
            changed |= in[0]->MeetAtEntry(out);
          } else if (target[k] >= 0) {
            changed |= Meet(in[static_cast<size_t>(target[k])], out);
          }
        }
      }
      while (unreached < n && (in[unreached] || d_.insns[i0 + unreached].kind == Kind::kPad)) ++unreached;
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
    std::vector<std::optional<FlowState>> states = FlowStates(i0, i1, start, end, soft_[fi]);
    // Whether control can run off the end into the next function. A call as the last instruction is taken as
    // a call that does not return (abort, __stack_chk_fail): compilers emit nothing after those.
    bool falls = true;
    uint32_t f = static_cast<uint32_t>(fi);
    const FlowState unknown = FlowState::Unknown();
    for (size_t i = i0; i < i1; ++i) {
      const Insn& x = d_.insns[i];
      const FlowState& st = states[i - i0] ? *states[i - i0] : unknown;  // code the flow never reached
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
        if (c.args[r].kind == Value::kEntry && caller.addr != s_.functions[c.callee].addr) {
          caller.wrapper_reg = static_cast<int>(c.args[r].v);
          changed = true;
        } else if (IsGoSyscallEntryCall(c)) {
          caller.wrapper_reg = kRax;
          go_entries_.insert(c.caller);
          changed = true;
        }
      }
    }
    for (const LocalCall& c : local_calls_) {
      int r = s_.functions[c.callee].wrapper_reg;
      if (r < 0) continue;
      Function& caller = s_.functions[c.caller];
      const Value& v = c.args[r];
      if (v.kind == Value::kImm) {
        caller.syscalls.push_back({x86_64_, v.v});
      } else if (v.kind == Value::kUnknown && r == kRax && go_entries_.count(c.caller)) {
        continue;  // the Go entry's own number, reloaded from its stack: resolved at its callers
      } else if (!(v.kind == Value::kEntry && v.v == caller.wrapper_reg)) {
        caller.unresolved.push_back(c.addr);
      }
    }
  }

  /// Whether `c` is a call from one of Go's syscall entry points (reach/go_syscalls.h) to a wrapper taking the
  /// number in RAX, passing the entry's own number: a Go 1.18+ program (register ABI: the first argument, the
  /// number, arrives in RAX), RAX not overwritten before the entry's first call (so its number is still there
  /// to be kept), and at this call RAX holds what the analysis cannot see: a value reloaded from the stack,
  /// where the entry kept its number across runtime.entersyscall. An assembly entry that takes the number from
  /// the stack (ABI0) fails the first condition for old Go and the last for new Go (it calls no such wrapper).
  bool IsGoSyscallEntryCall(const LocalCall& c) const {
    if (image_.go_pclntab_format < 118 || !image_.is64) return false;
    if (s_.functions[c.callee].wrapper_reg != kRax || c.args[kRax].kind != Value::kUnknown) return false;
    return IsGoSyscallEntry(s_.functions[c.caller].name) && RaxKeptUntilFirstCall(c.caller);
  }

  /// Along the fall-through path from the function's start to its first call, syscall, jump or return, no
  /// instruction writes RAX.
  bool RaxKeptUntilFirstCall(size_t fi) const {
    auto [i0, i1] = Range(fi);
    for (size_t i = i0; i < i1; ++i) {
      const Insn& x = d_.insns[i];
      if (x.kind == Kind::kCall || x.kind == Kind::kSyscall || x.kind == Kind::kSyscall32 || x.kind == Kind::kJmp ||
          x.kind == Kind::kStop) {
        return true;
      }
      if (x.written & (1u << kRax)) return false;
    }
    return true;
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
  std::unordered_set<uint32_t> go_entries_;  ///< Go syscall entry points taken as wrappers (IsGoSyscallEntryCall)
  std::vector<bool> soft_;  ///< per function: its start is an address taken, not a known entry point
};

}  // namespace

BinarySummary Analyse(const ElfImage& image) {
  Decoded d = DecodeImage(image);
  return Builder(image, d).Run();
}

}  // namespace profilegen::reach

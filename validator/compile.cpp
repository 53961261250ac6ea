#include "validator/compile.h"

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <optional>

#include "base/error.h"
#include "base/fd.h"

namespace profilegen::validator {
namespace {

using profile::Action;
using profile::Diagnostic;
using profile::Severity;
using profile::Verdict;

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

constexpr uint32_t kRetEnosys = SECCOMP_RET_ERRNO | ENOSYS;

struct ContextDeleter {
  void operator()(void* ctx) const noexcept { seccomp_release(ctx); }
};
/// Owns a libseccomp filter context on every path.
using Context = std::unique_ptr<void, ContextDeleter>;

std::string Path(size_t entry) { return "syscalls[" + std::to_string(entry) + "]"; }
std::string Path(size_t entry, size_t name) { return Path(entry) + ".names[" + std::to_string(name) + "]"; }

std::string ArchName(sys::ArchToken arch) {
  auto info = sys::ArchByToken(arch);
  return info ? std::string(info->scmp) : "arch " + std::to_string(arch);
}

scmp_compare CompareOp(profile::Op op) {
  switch (op) {
    case profile::Op::kNe: return SCMP_CMP_NE;
    case profile::Op::kLt: return SCMP_CMP_LT;
    case profile::Op::kLe: return SCMP_CMP_LE;
    case profile::Op::kEq: return SCMP_CMP_EQ;
    case profile::Op::kGe: return SCMP_CMP_GE;
    case profile::Op::kGt: return SCMP_CMP_GT;
    case profile::Op::kMaskedEq: return SCMP_CMP_MASKED_EQ;
  }
  return SCMP_CMP_EQ;
}

bool LetsThrough(Action a) { return a == Action::kAllow || a == Action::kLog; }

// Complain mode: each distinct verdict that does not let the call through becomes its own TRACE value, the
// default TRACE(0), so "equal to the default" and libseccomp's conflict checks see the same equalities.
class ActionMap {
 public:
  ActionMap(const Verdict& default_verdict, bool complain) : complain_(complain) {
    default_action_ = Map(default_verdict);
  }
  uint32_t default_action() const { return default_action_; }
  uint32_t Map(const Verdict& v) {
    const uint32_t raw = ScmpAction(v);
    if (!complain_ || LetsThrough(v.action)) return raw;
    auto it = traced_.find(raw);
    if (it != traced_.end()) return it->second;
    const uint32_t traced = SCMP_ACT_TRACE(static_cast<uint32_t>(traced_.size()));
    traced_.emplace(raw, traced);
    return traced;
  }

 private:
  bool complain_;
  uint32_t default_action_ = 0;
  std::map<uint32_t, uint32_t> traced_;
};

std::vector<std::vector<scmp_arg_cmp>> RuleConditions(const profile::Rule& rule) {
  std::vector<std::vector<scmp_arg_cmp>> out;
  for (const auto& set : profile::ConditionSets(rule.args)) {
    std::vector<scmp_arg_cmp> cmps;
    for (const auto& a : set) cmps.push_back(scmp_arg_cmp{a.index, CompareOp(a.op), a.value, a.value_two});
    out.push_back(std::move(cmps));
  }
  return out;
}

std::string RuleAddError(const std::string& name, int rc) {
  std::string why;
  switch (-rc) {
    case EEXIST: why = "it conflicts with an earlier rule for the same syscall and arguments"; break;
    case EINVAL: why = "libseccomp rejects its arguments (an index above 5, or more than 6 conditions)"; break;
    case EACCES: why = "its action equals the default action"; break;
    default: why = std::strerror(-rc); break;
  }
  return "libseccomp refuses the rule for \"" + name + "\": " + why +
         " (seccomp_rule_add_array: " + std::strerror(-rc) + "); the runtime fails to start the container";
}

// libseccomp refuses ERRNO and TRACE data above 4094 (measured with 2.5.4:
// seccomp_init and seccomp_rule_add fail with EINVAL from 4095 on), so the
// runtime cannot load the profile.
std::optional<std::string> ErrnoRefused(const Verdict& v) {
  if (!profile::ActionTakesErrno(v.action) || v.errno_ret <= profile::kMaxErrnoRet) return std::nullopt;
  return "libseccomp refuses " + v.ToString() + ": the errno must be at most " + std::to_string(profile::kMaxErrnoRet) +
         " (EINVAL), so the runtime fails to start the container; use a " +
         "real errno such as 1 (EPERM) or 38 (ENOSYS)";
}

Program Export(void* ctx) {
  UniqueFd fd(::memfd_create("profilegen-bpf", MFD_CLOEXEC));
  if (!fd.valid()) throw SystemError("cannot create a memfd for the BPF export", errno);
  // libseccomp 2.5.4 has no seccomp_export_bpf_mem: export to the memfd, then read it back.
  int rc = seccomp_export_bpf(ctx, fd.get());
  if (rc < 0) throw SystemError("seccomp_export_bpf failed", -rc);
  off_t size = ::lseek(fd.get(), 0, SEEK_END);
  if (size < 0 || size % sizeof(sock_filter) != 0) throw Error("seccomp_export_bpf wrote a partial program", 125);
  Program program(static_cast<size_t>(size) / sizeof(sock_filter));
  size_t done = 0;
  auto* out = reinterpret_cast<char*>(program.data());
  while (done < static_cast<size_t>(size)) {
    ssize_t n = ::pread(fd.get(), out + done, static_cast<size_t>(size) - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw SystemError("cannot read the exported BPF program back", n < 0 ? errno : EIO);
    done += static_cast<size_t>(n);
  }
  return program;
}

unsigned LoadFlags(const profile::Profile& p, const CompileOptions& o, bool notify) {
  unsigned flags = 0;
  if (o.runtime == Runtime::kRunc && o.runc_version == RuncVersion::k1_1) {
    // runc 1.1 loads with no flag at all (and refuses a profile that names any).
  } else if (p.flags) {
    for (const auto& f : *p.flags) {
      if (f == "SECCOMP_FILTER_FLAG_LOG") flags |= SECCOMP_FILTER_FLAG_LOG;
      if (f == "SECCOMP_FILTER_FLAG_SPEC_ALLOW") flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
      if (f == "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" && notify) flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
      // TSYNC: runc ignores it (one thread at that point); it changes nothing for one thread anyway.
    }
  } else if (o.runtime == Runtime::kCrun || o.runc_version == RuncVersion::k1_2) {
    flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;  // crun's default, and runc's since 1.2 (flags absent, not [])
  }
  if (notify) flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  return flags;
}

// The highest number each stub arch has among the names the runtime receives
// (runc's findLastSyscalls: every name of every applied entry, whatever its
// action). runc asks libseccomp's name lookup, which answers x86's socketcall
// and ipc families with negative pseudo numbers: they never count, although the
// kernel has direct numbers for them (socket is 359 on i386).
std::vector<StubArch> StubArches(const profile::Profile& p, const std::vector<bool>& applied,
                                 const std::vector<sys::ArchToken>& arches, std::vector<Diagnostic>& notes) {
  std::vector<StubArch> out;
  for (sys::ArchToken arch : arches) {
    int64_t max = 0;
    for (size_t i = 0; i < p.syscalls.size(); ++i) {
      if (!applied[i]) continue;
      for (const auto& name : p.syscalls[i].names) {
        max = std::max<int64_t>(max, sys::LibseccompNumber(arch, name));
      }
    }
    if (max == 0) {
      notes.push_back(
          {Severity::kWarning, "",
           "no syscall of the profile exists on " + ArchName(arch) + ": runc builds no ENOSYS stub for it"});
      continue;
    }
    out.push_back({arch, max});
  }
  return out;
}

}  // namespace

uint32_t ScmpAction(const Verdict& v) {
  const uint32_t data = static_cast<uint32_t>(v.errno_ret & 0xffff);  // runc: int16 conversion
  switch (v.action) {
    case Action::kKillThread: return SCMP_ACT_KILL_THREAD;
    case Action::kKillProcess: return SCMP_ACT_KILL_PROCESS;
    case Action::kTrap: return SCMP_ACT_TRAP;
    case Action::kErrno: return SCMP_ACT_ERRNO(data);
    case Action::kTrace: return SCMP_ACT_TRACE(data);
    case Action::kAllow: return SCMP_ACT_ALLOW;
    case Action::kLog: return SCMP_ACT_LOG;
    case Action::kNotify: return SCMP_ACT_NOTIFY;
  }
  return SCMP_ACT_KILL_THREAD;
}

bool SeccompOff(const profile::Profile& p) { return !p.default_action.has_value(); }

bool AllowsByDefault(const profile::Profile& p) { return p.default_action && LetsThrough(*p.default_action); }

std::vector<sys::ArchToken> ListedArches(const profile::Profile& p, const profile::Target& target) {
  const profile::Target t = profile::ResolveTarget(target);
  std::vector<sys::ArchToken> out;
  for (const auto& name : profile::SpecArchitectures(p, t)) {
    std::optional<sys::ArchInfo> info =
        name == "SCMP_ARCH_NATIVE" ? sys::ArchByToken(t.arch) : sys::ArchByScmpName(name);
    if (info && std::find(out.begin(), out.end(), info->token) == out.end()) out.push_back(info->token);
  }
  return out;
}

Program EnosysStub(const std::vector<StubArch>& arches) {
  // With no arch at all runc still prepends the (then useless) frame: 4 instructions; so do we.
  // Group by the arch value the kernel reports: x86_64 and x32 share AUDIT_ARCH_X86_64 (x32 sets bit 30).
  struct Group {
    uint32_t audit;
    sys::ArchToken arch;
    std::optional<int64_t> max, max_x32;
  };
  std::vector<Group> groups;
  for (const auto& a : arches) {
    const uint32_t audit = AuditArch(a.arch);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& g) { return g.audit == audit; });
    if (it == groups.end()) it = groups.insert(groups.end(), Group{audit, a.arch, std::nullopt, std::nullopt});
    (a.arch == SCMP_ARCH_X32 ? it->max_x32 : it->max) = a.max_nr;
    if (a.arch != SCMP_ARCH_X32) it->arch = a.arch;
  }

  // The same shape as runc's patchbpf stub (so instruction counts match): load the arch, one jeq per arch to
  // its section, a jump to the filter for any other arch; per section load the number and compare with the
  // arch's max; one shared "ret ENOSYS" at the end. Jumps are resolved once the layout is known.
  enum class Target { kEnosys, kFilter, kSection };
  struct Fixup {
    size_t at;
    Target target;
    size_t section;
    bool jf;  // patch jf instead of jt (or k for "ja")
  };
  Program p;
  std::vector<Fixup> fixups;
  std::vector<size_t> section_start(groups.size());
  auto emit = [&](uint16_t code, uint32_t k, uint8_t jt = 0, uint8_t jf = 0) {
    p.push_back(sock_filter{code, jt, jf, k});
    return p.size() - 1;
  };
  auto jump_to = [&](size_t at, Target t, bool jf = false, size_t section = 0) {
    fixups.push_back({at, t, section, jf});
  };

  emit(BPF_LD | BPF_W | BPF_ABS, 4);  // arch
  for (size_t i = 0; i < groups.size(); ++i)
    jump_to(emit(BPF_JMP | BPF_JEQ | BPF_K, groups[i].audit), Target::kSection, false, i);
  jump_to(emit(BPF_JMP | BPF_JA, 0), Target::kFilter);  // any other arch: libseccomp's own arch check decides
  for (size_t i = 0; i < groups.size(); ++i) {
    const Group& g = groups[i];
    section_start[i] = emit(BPF_LD | BPF_W | BPF_ABS, 0);  // nr
    if (g.arch == SCMP_ARCH_S390 || g.arch == SCMP_ARCH_S390X) {
      // Unknown large numbers arrive multiplexed as syscall 0 (setup(2), long gone): ENOSYS for it.
      emit(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1);
      emit(BPF_RET | BPF_K, kRetEnosys);
    }
    if (g.audit == AUDIT_ARCH_X86_64 && g.max && g.max_x32) {
      emit(BPF_JMP | BPF_JSET | BPF_K, sys::kX32SyscallBit, 1, 0);
      size_t above64 = emit(BPF_JMP | BPF_JGT | BPF_K, static_cast<uint32_t>(*g.max), 0, 1);
      jump_to(above64, Target::kEnosys);
      jump_to(emit(BPF_JMP | BPF_JGT | BPF_K, static_cast<uint32_t>(*g.max_x32)), Target::kEnosys);
    } else {
      if (g.audit == AUDIT_ARCH_X86_64) {
        // Only one of x86_64 and x32 is in the stub: a call of the other mode is left to the filter.
        emit(BPF_JMP | BPF_JSET | BPF_K, sys::kX32SyscallBit, g.max ? 1 : 0, g.max ? 0 : 1);
      }
      jump_to(emit(BPF_JMP | BPF_JGT | BPF_K, static_cast<uint32_t>(g.max ? *g.max : *g.max_x32)), Target::kEnosys);
    }
    jump_to(emit(BPF_JMP | BPF_JA, 0), Target::kFilter);
  }
  emit(BPF_JMP | BPF_JA, 1);  // runc's fall-through into the filter (nothing reaches it)
  const size_t enosys = emit(BPF_RET | BPF_K, kRetEnosys);
  const size_t filter = p.size();

  for (const Fixup& f : fixups) {
    const size_t target = f.target == Target::kEnosys   ? enosys
                          : f.target == Target::kFilter ? filter
                                                        : section_start[f.section];
    const size_t distance = target - f.at - 1;
    sock_filter& in = p[f.at];
    if (BPF_OP(in.code) == BPF_JA) {
      in.k = static_cast<uint32_t>(distance);
    } else if (distance > 255) {
      // Cannot happen with the arches libseccomp knows (the stub stays far below 255 instructions).
      throw Error("internal error: the ENOSYS stub needs a jump longer than 255", kExitInternal);
    } else {
      (f.jf ? in.jf : in.jt) = static_cast<uint8_t>(distance);
    }
  }
  return p;
}

Compiled Compile(const profile::Profile& p, const CompileOptions& o) {
  if (SeccompOff(p))
    throw Error(
        "the profile has no defaultAction: the engines run the "
        "container unconfined");
  const profile::Target t = profile::ResolveTarget(o.target);
  Compiled out;
  out.default_verdict = profile::DefaultVerdict(p, t.engine);
  if (auto e = ErrnoRefused(out.default_verdict)) {
    const bool podman = t.engine == profile::Engine::kPodman && p.podman_default_errno;
    out.errors.push_back({Severity::kError, podman ? "defaultErrno" : "defaultErrnoRet", *e});
    return out;  // libseccomp cannot even create the filter
  }
  ActionMap actions(out.default_verdict, o.complain);
  out.default_action = actions.default_action();

  Context ctx(seccomp_init(out.default_action));
  if (!ctx) throw Error("seccomp_init failed for " + out.default_verdict.ToString(), kExitInternal);

  // Arches first: libseccomp does not apply rules to arches added after them. The target arch replaces the
  // native one when compiling for another machine.
  if (t.arch != static_cast<sys::ArchToken>(seccomp_arch_native())) {
    int rc = seccomp_arch_add(ctx.get(), t.arch);
    if (rc == 0) rc = seccomp_arch_remove(ctx.get(), SCMP_ARCH_NATIVE);
    if (rc < 0) throw SystemError("libseccomp cannot build a filter for " + ArchName(t.arch), -rc, kExitUsage);
  }
  out.arches = profile::FilterArches(p, t);
  for (size_t i = 1; i < out.arches.size(); ++i) {
    int rc = seccomp_arch_add(ctx.get(), out.arches[i]);
    if (rc < 0 && rc != -EEXIST) {
      out.errors.push_back(
          {Severity::kError, "", "libseccomp cannot add " + ArchName(out.arches[i]) + ": " + std::strerror(-rc)});
    }
  }

  std::vector<bool> applied(p.syscalls.size(), false);
  bool notify = p.default_action == Action::kNotify;
  for (size_t i = 0; i < p.syscalls.size(); ++i) {
    applied[i] = profile::RuleApplies(p.syscalls[i], t);
    if (!applied[i]) {
      ++out.entries_skipped;
      continue;
    }
    ++out.entries_applied;
    out.names += p.syscalls[i].names.size();
    if (p.syscalls[i].action == Action::kNotify) notify = true;
  }

  // runc 1.2+ counts its per-name rules; libseccomp <= 2.5.4 misbehaves with a tree and no rules.
  if (o.runtime == Runtime::kRunc && o.runc_version == RuncVersion::k1_2 && out.names > 32) {
    if (seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2) == 0) out.binary_tree = true;
  }

  const sys::ArchToken host = sys::HostArch();
  for (size_t i = 0; i < p.syscalls.size(); ++i) {
    if (!applied[i]) continue;
    const profile::Rule& rule = p.syscalls[i];
    const Verdict verdict = profile::RuleVerdict(rule, t.engine);
    if (auto e = ErrnoRefused(verdict)) {
      const bool podman = t.engine == profile::Engine::kPodman && rule.podman_errno;
      out.errors.push_back({Severity::kError, Path(i) + (podman ? ".errno" : ".errnoRet"), *e});
      continue;
    }
    const uint32_t action = actions.Map(verdict);
    if (action == out.default_action) {
      out.skipped_default += rule.names.size();
      continue;
    }
    const auto conditions = RuleConditions(rule);
    for (size_t j = 0; j < rule.names.size(); ++j) {
      const std::string& name = rule.names[j];
      // The runtime resolves on its own (native) arch; libseccomp translates to each arch of the filter.
      sys::Resolution r = sys::Resolve(host, name);
      if (r.status == sys::NameStatus::kUnknown) {
        ++out.skipped_unknown;
        continue;
      }
      for (const auto& c : conditions) {
        int rc = seccomp_rule_add_array(ctx.get(), action, static_cast<int>(r.nr), static_cast<unsigned>(c.size()),
                                        c.empty() ? nullptr : c.data());
        if (rc < 0) {
          out.errors.push_back({Severity::kError, Path(i, j), RuleAddError(name, rc)});
          break;
        }
        ++out.rules_added;
      }
    }
  }

  Program filter = Export(ctx.get());
  out.load_flags = LoadFlags(p, o, notify);
  if (o.runtime == Runtime::kRunc && o.runc_version == RuncVersion::k1_1 && p.flags && !p.flags->empty()) {
    // runc 1.1's specconv refuses any flag (seen with runc 1.1.5 here); support came with runc 1.2.
    out.errors.push_back({Severity::kError, "flags",
                          "runc 1.1 refuses every seccomp flag (\"seccomp flags are not yet supported by runc\"), so "
                          "the container does not start; runc 1.2 and crun accept them"});
  }

  // runc's generatePatch: no stub when the default lets calls through or traces them. Newer runc sources also
  // skip it when the default already answers ENOSYS (defaultErrnoRet 38, as podman's profile has it), but
  // Debian 12's runc 1.1.5+ds1 still prepends it (its loaded filter read back by
  // tests/validator/engine_random_test.cpp): the same answers either way, a different program size.
  const bool enosys_default =
      o.runc_version != RuncVersion::k1_1 &&
      profile::EngineErrno(p.default_errno_ret, p.podman_default_errno, t.engine) == std::optional<uint64_t>(ENOSYS);
  const bool stub_wanted = o.runtime == Runtime::kRunc && !o.complain && !LetsThrough(out.default_verdict.action) &&
                           out.default_verdict.action != Action::kTrace && !enosys_default;
  if (stub_wanted) {
    std::vector<sys::ArchToken> stub_arches = ListedArches(p, t);
    if (o.runc_version == RuncVersion::k1_2 &&
        std::find(stub_arches.begin(), stub_arches.end(), t.arch) == stub_arches.end()) {
      stub_arches.insert(stub_arches.begin(), t.arch);
    }
    if (stub_arches.empty()) {
      out.notes.push_back({Severity::kWarning, "",
                           "the profile lists no architectures: runc 1.1 builds no ENOSYS stub, so syscalls newer "
                           "than the profile get the default action (runc 1.1.15+ and 1.2 stub the native arch)"});
    }
    out.stub = StubArches(p, applied, stub_arches, out.notes);
    Program stub = EnosysStub(out.stub);
    out.stub_instructions = stub.size();
    out.program = std::move(stub);
  }
  out.program.insert(out.program.end(), filter.begin(), filter.end());
  return out;
}

}  // namespace profilegen::validator

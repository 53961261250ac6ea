#include "validator/validate.h"

#include <linux/seccomp.h>
#include <seccomp.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

#include "base/atomic_file.h"
#include "base/error.h"
#include "profile/effective.h"
#include "profile/runtime_layer.h"
#include "validator/notify_listener.h"

namespace profilegen::validator {
namespace {

using profile::Diagnostic;
using profile::Severity;

// The arch whose syscalls share the native arch's kernel action cache (SECCOMP_ARCH_COMPAT).
std::optional<sys::ArchToken> CompatArch(sys::ArchToken native) {
  switch (native) {
    case SCMP_ARCH_X86_64: return SCMP_ARCH_X86;
    case SCMP_ARCH_AARCH64: return SCMP_ARCH_ARM;
    case SCMP_ARCH_S390X: return SCMP_ARCH_S390;
    case SCMP_ARCH_PPC64: return SCMP_ARCH_PPC;
    default: return std::nullopt;
  }
}

class DiagnosticList {
 public:
  explicit DiagnosticList(std::vector<Diagnostic>& out) : out_(out) {}
  void Add(const Diagnostic& d) {
    if (seen_.insert({d.path, d.message}).second) out_.push_back(d);
  }
  bool AnyAt(const std::set<std::string>& paths) const {
    return std::any_of(out_.begin(), out_.end(), [&](const Diagnostic& d) { return paths.count(d.path) > 0; });
  }
  // Turns the warnings at `paths` into errors, with `hint` appended. Whether there was any.
  bool PromoteAt(const std::set<std::string>& paths, const std::string& hint) {
    bool any = false;
    for (auto& d : out_) {
      if (d.severity != Severity::kWarning || !paths.count(d.path)) continue;
      d.severity = Severity::kError;
      d.message += hint;
      any = true;
    }
    return any;
  }

 private:
  std::vector<Diagnostic>& out_;
  std::set<std::pair<std::string, std::string>> seen_;
};

// The policy objections: a profile that confines nothing is almost always a
// mistake, but the engine runs it. The parser's warnings about it (at these
// paths) move to the policy list, so the reader sees one message, as policy.
void CheckConfinement(const profile::Profile& p, const ValidateOptions& o, Report& r) {
  std::string message;
  const std::set<std::string> paths{"defaultAction", ""};
  if (SeccompOff(p)) {
    r.seccomp_off = true;
    message =
        "the profile switches seccomp off: without a defaultAction Docker and podman run the container "
        "unconfined";
  } else if (AllowsByDefault(p)) {
    message = std::string("the default action is ") + std::string(profile::ActionName(*p.default_action)) +
              ": every syscall the profile does not name is allowed (a "
              "denylist, not least privilege)";
  } else {
    return;
  }
  const Severity severity = o.allow_unconfined ? Severity::kWarning : Severity::kError;
  auto is_confinement = [&](const Diagnostic& d) {
    return d.severity == Severity::kWarning && paths.count(d.path) &&
           (d.message.find("switched OFF") != std::string::npos ||
            d.message.find("allows every syscall") != std::string::npos);
  };
  r.diagnostics.erase(std::remove_if(r.diagnostics.begin(), r.diagnostics.end(), is_confinement), r.diagnostics.end());
  r.policy.push_back(
      {severity, "defaultAction", message + (o.allow_unconfined ? "" : " (pass --allow-unconfined if intended)")});
}

// The runtime (runc or crun) makes syscalls of its own after it has loaded the
// filter: measured per runtime and no-new-privileges setting
// (profile/runtime_layer.h). What the compiled filter (stub included) answers
// for each one on the target arch decides whether a container can start at all.
namespace {
// The runtime gets through a call the filter answers with `action`: it is allowed, or the runtime ignores the
// call's failure and the answer is an errno (no tracer attached: TRACE fails the call with ENOSYS).
bool RuntimeGetsThrough(const profile::RuntimeNeed& need, uint32_t action) {
  if (action == SECCOMP_RET_ALLOW || action == SECCOMP_RET_LOG) return true;
  return need.errno_harmless && (action == SECCOMP_RET_ERRNO || action == SECCOMP_RET_TRACE);
}
}  // namespace

void CheckRuntimeNeeds(const profile::Profile& p, const ValidateOptions& o, const Compiled& c, DiagnosticList& list) {
  const CompileOptions& co = o.compile;
  const profile::RuntimeLayerData& data = profile::RuntimeLayerFor(co.runtime == Runtime::kCrun ? "crun" : "runc");
  const sys::ArchToken arch = co.target.arch ? co.target.arch : sys::HostArch();
  const std::string who = data.runtime + " " + data.runtime_version +
                          " (no-new-privileges=" + (o.no_new_privileges ? "true" : "false") + ")";
  for (const profile::RuntimeNeed& need : profile::RuntimeNeeds(data, o.no_new_privileges)) {
    const sys::Resolution res = sys::Resolve(arch, need.name);
    if (res.status != sys::NameStatus::kPresent) continue;  // the runtime cannot make it on this arch
    // Where the answer comes from: the first entry naming the syscall, else the
    // default action.
    std::string path = "defaultAction";
    for (size_t i = 0; i < p.syscalls.size() && path == "defaultAction"; ++i) {
      const auto& names = p.syscalls[i].names;
      auto it = std::find(names.begin(), names.end(), need.name);
      if (it != names.end())
        path = "syscalls[" + std::to_string(i) + "].names[" + std::to_string(it - names.begin()) + "]";
    }
    const std::optional<uint32_t> ret = ConstantAction(c.program, AuditArch(arch), FilterNumber(arch, res.nr));
    const std::string fix = "; fix: allow " + need.name + " (`profilegen generate --runtime " + data.runtime +
                            (o.no_new_privileges ? " --no-new-privileges" : "") + "` adds the runtime's syscalls)";
    if (!ret && need.args) {
      // The runtime's measured argument values decide (the other arguments 0).
      std::string denied;
      for (uint64_t v : need.args->values) {
        SeccompData d;
        d.arch = AuditArch(arch);
        d.nr = FilterNumber(arch, res.nr);
        d.args[need.args->index] = v;
        const uint32_t action = RunFilter(c.program, d) & SECCOMP_RET_ACTION_FULL;
        if (RuntimeGetsThrough(need, action)) continue;
        denied += (denied.empty() ? "" : ", ") + std::to_string(v);
      }
      if (denied.empty()) continue;
      const std::string what = "the filter does not allow " + need.name + " with argument " +
                               std::to_string(need.args->index) + " = " + denied + " (the other arguments 0), which " +
                               who + " makes after loading the filter (" + need.why + ")";
      list.Add({need.fatal ? Severity::kError : Severity::kWarning, path,
                what + (need.fatal ? ": the container cannot start" : "") + fix});
      continue;
    }
    if (!ret) {
      list.Add({Severity::kWarning, path,
                "the filter answers " + need.name + " by its arguments; " + who +
                    " makes it after loading the filter (" + need.why + "): check that its calls are allowed" + fix});
      continue;
    }
    const uint32_t action = *ret & SECCOMP_RET_ACTION_FULL;
    if (RuntimeGetsThrough(need, action)) continue;
    std::string answer;
    if (action == SECCOMP_RET_ERRNO) {
      answer = "denies it with errno " + std::to_string(*ret & SECCOMP_RET_DATA);
    } else if (action == SECCOMP_RET_TRACE) {
      answer = "traces it (with no tracer attached the call fails with ENOSYS)";
    } else if (action == SECCOMP_RET_USER_NOTIF) {
      list.Add({Severity::kWarning, path,
                "the filter hands " + need.name + " to the seccomp agent; " + who +
                    " makes it after loading the filter: the container starts "
                    "only if the agent allows it"});
      continue;
    } else if (action == SECCOMP_RET_TRAP) {
      answer = "answers it with SIGSYS (SCMP_ACT_TRAP)";
    } else {
      answer = "kills the caller (SCMP_ACT_KILL)";
    }
    if (need.fatal) {
      list.Add({Severity::kError, path,
                "the filter " + answer + ", but " + who + " makes " + need.name + " after loading the filter (" +
                    need.why + "): the container cannot start" + fix});
    } else {
      list.Add({Severity::kWarning, path,
                "the filter " + answer + "; " + who + " makes " + need.name +
                    " after loading the filter in some runs (" + need.why + ")" + fix});
    }
  }
}

// podman's Filter has no minKernel: a value Docker fails on is harmless for
// podman (a warning, not an error).
void PodmanIgnoresMinKernel(profile::ParseResult& parsed) {
  for (auto& d : parsed.diagnostics) {
    if (d.severity != Severity::kError) continue;
    if (d.path.size() < 10 || d.path.compare(d.path.size() - 10, 10, ".minKernel") != 0) continue;
    d.severity = Severity::kWarning;
    d.message += " (podman ignores minKernel, so only Docker fails)";
  }
}

// The effective policy's notes, except where the parser already said something
// about the same place (they often describe the same fact in other words).
void AddEffectiveNotes(const profile::Profile& p, const ValidateOptions& o, const std::vector<Diagnostic>& parsed,
                       DiagnosticList& list) {
  std::set<std::string> covered;
  for (const auto& d : parsed) covered.insert(d.path);
  try {
    profile::EffectivePolicy policy = profile::Evaluate(p, o.compile.target);
    for (auto d : policy.notes) {
      if (!d.path.empty() && covered.count(d.path)) continue;
      d.severity = Severity::kWarning;
      list.Add(d);
    }
  } catch (const Error& e) {
    list.Add({Severity::kError, "", e.what()});
  }
}

}  // namespace

size_t Report::Count(Severity s) const {
  return static_cast<size_t>(
      std::count_if(diagnostics.begin(), diagnostics.end(), [&](const Diagnostic& d) { return d.severity == s; }));
}

int Report::ExitCode() const {
  if (!readable) return kExitUsage;
  if (Count(Severity::kError) > 0) return kExitCheckFailed;
  if (load && !load->accepted) return kExitCheckFailed;
  for (const auto& d : policy)
    if (d.severity == Severity::kError) return kExitCheckFailed;
  return kExitOk;
}

void ParseKernel(const std::string& text, profile::Target& t) {
  if (text == "host") {
    t.kernel_major = t.kernel_minor = 0;
    return;
  }
  int major = -1, minor = -1;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%d.%d%c", &major, &minor, &tail) != 2 || major < 0 || minor < 0 || major > 255 ||
      minor > 255 || (major == 0 && minor == 0)) {
    throw Error("--kernel wants X.Y (like 5.15) or host, not \"" + text + "\"");
  }
  t.kernel_major = major;
  t.kernel_minor = minor;
}

void ParseCaps(const std::string& text, profile::Target& t) {
  if (text == "default") {
    t.caps = profile::DefaultCaps();
    return;
  }
  if (text == "all") {
    t.caps = profile::AllCaps();
    return;
  }
  t.caps.clear();
  if (text == "none" || text.empty()) return;
  std::stringstream ss(text);
  std::string cap;
  std::vector<std::string> all(profile::AllCaps().begin(), profile::AllCaps().end());
  while (std::getline(ss, cap, ',')) {
    std::transform(cap.begin(), cap.end(), cap.begin(), [](unsigned char c) { return std::toupper(c); });
    if (cap.rfind("CAP_", 0) != 0) cap = "CAP_" + cap;
    if (!profile::AllCaps().count(cap)) {
      std::string msg = "--caps: unknown capability \"" + cap + "\"";
      if (auto s = sys::Suggest(cap, all)) msg += " (did you mean " + *s + "?)";
      throw Error(msg);
    }
    t.caps.insert(cap);
  }
}

void ParseArch(const std::string& text, profile::Target& t) {
  if (text == "host") {
    t.arch = 0;
    return;
  }
  auto info = sys::ArchByAnyName(text);
  if (!info) {
    std::vector<std::string> names;
    for (const auto& a : sys::AllArches()) names.emplace_back(a.native);
    std::string msg = "--arch: unknown architecture \"" + text + "\"";
    if (auto s = sys::Suggest(text, names)) msg += " (did you mean " + *s + "?)";
    throw Error(msg);
  }
  t.arch = info->token;
}

std::vector<CacheStats> AnalyseCache(const Compiled& c, sys::ArchToken native) {
  std::vector<CacheStats> out;
  const auto compat = CompatArch(native);
  for (sys::ArchToken arch : c.arches) {
    CacheStats s;
    s.arch = arch;
    // x32 calls carry bit 30 in their number, beyond the kernel's cache bitmap: never cached.
    s.kernel_caches = arch == native || (compat && arch == *compat);
    for (const auto& name : sys::NamesOn(arch)) {
      auto r = sys::Resolve(arch, name);
      if (r.status != sys::NameStatus::kPresent) continue;
      ++s.syscalls;
      auto action = ConstantAction(c.program, AuditArch(arch), FilterNumber(arch, r.nr));
      if (!action) {
        ++s.argument_dependent;
      } else if (*action == SECCOMP_RET_ALLOW) {
        ++s.constant_allow;
      }
    }
    out.push_back(s);
  }
  return out;
}

Report ValidateText(const std::string& text, const std::string& file, const ValidateOptions& o) {
  Report r;
  r.file = file;
  DiagnosticList list(r.diagnostics);
  profile::ParseResult parsed = profile::ParseProfile(text);
  if (o.compile.target.engine == profile::Engine::kPodman) PodmanIgnoresMinKernel(parsed);
  for (const auto& d : parsed.diagnostics) list.Add(d);
  if (!parsed.HasErrors()) {
    const profile::Profile& p = parsed.profile;
    CheckConfinement(p, o, r);
    if (!r.seccomp_off) {
      AddEffectiveNotes(p, o, parsed.diagnostics, list);
      r.compiled = Compile(p, o.compile);
      for (const auto& d : r.compiled->errors) list.Add(d);
      if (r.compiled->ok() && o.container) CheckRuntimeNeeds(p, o, *r.compiled, list);
      if (o.container) {
        for (const auto& d : CheckListener(p, o.compile)) list.Add(d);
      }
      r.notes = r.compiled->notes;
      const sys::ArchToken native = o.compile.target.arch ? o.compile.target.arch : sys::HostArch();
      if (!r.compiled->program.empty()) r.cache = AnalyseCache(*r.compiled, native);
      if (o.load && r.compiled->ok()) {
        r.load = TestLoad(r.compiled->program, r.compiled->load_flags);
        if (r.load->accepted && native != sys::HostArch()) {
          r.load->detail +=
              "; the filter is for " + sys::ArchLabel(native) + ", so this machine's calls hit its bad-arch action";
        }
      }
    }
  }
  r.starts = r.Count(Severity::kError) == 0 && !(r.load && !r.load->accepted);
  if (o.strict) {
    for (auto& d : r.diagnostics) d.severity = Severity::kError;
    for (auto& d : r.policy) d.severity = Severity::kError;
  }
  return r;
}

Report ValidateFile(const std::string& path, const ValidateOptions& o) {
  std::string text;
  try {
    text = ReadFile(path);
  } catch (const Error& e) {
    Report r;
    r.file = path;
    r.readable = false;
    r.read_error = e.what();
    return r;
  }
  return ValidateText(text, path, o);
}

int ValidateFiles(const std::vector<std::string>& files, const ValidateOptions& o, Format format, std::ostream& out) {
  if (!o.bpf_path.empty() && files.size() != 1) throw Error("--bpf writes one program: give exactly one PROFILE");
  int exit_code = kExitOk;
  nlohmann::ordered_json all = {{"valid", true}, {"profiles", nlohmann::ordered_json::array()}};
  for (const auto& file : files) {
    Report r = ValidateFile(file, o);
    exit_code = std::max(exit_code, r.ExitCode());
    if (!o.bpf_path.empty() && r.compiled && r.compiled->ok()) {
      const Program& bpf = r.compiled->program;
      WriteFileAtomically(
          o.bpf_path, std::string_view(reinterpret_cast<const char*>(bpf.data()), bpf.size() * sizeof(sock_filter)));
    }
    if (format == Format::kJson) {
      all["profiles"].push_back(ToJson(r, o));
    } else {
      out << FormatText(r, o);
    }
  }
  if (format == Format::kJson) {
    all["valid"] = exit_code == kExitOk;
    out << all.dump(4) << "\n";
  }
  out.flush();
  return exit_code;
}

}  // namespace profilegen::validator

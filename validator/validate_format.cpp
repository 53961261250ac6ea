// The text and JSON reports of validate: see validate.h.
#include <seccomp.h>

#include <algorithm>
#include <set>
#include <string>

#include "base/error.h"
#include "profile/effective.h"
#include "validator/validate.h"

namespace profilegen::validator {
namespace {

using profile::Diagnostic;
using profile::Severity;

std::string ArchName(sys::ArchToken arch) {
  auto info = sys::ArchByToken(arch);
  return info ? std::string(info->scmp) : "arch " + std::to_string(arch);
}

std::string NativeArchName(sys::ArchToken arch) {
  auto info = sys::ArchByToken(arch);
  return info ? std::string(info->native) : ArchName(arch);
}

std::string Count(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string RuntimeName(const CompileOptions& o) {
  if (o.runtime == Runtime::kCrun) return "crun";
  return o.runc_version == RuncVersion::k1_1 ? "runc 1.1" : "runc 1.2";
}

std::string CapsSummary(const std::set<std::string>& caps) {
  if (caps == profile::DefaultCaps()) return "Docker's default capabilities";
  if (caps == profile::AllCaps()) return "all capabilities";
  if (caps.empty()) return "no capabilities";
  std::string s;
  for (const auto& c : caps) s += (s.empty() ? "" : ",") + c;
  return s;
}

}  // namespace

std::string FormatText(const Report& r, const ValidateOptions& o) {
  std::string s;
  if (!r.readable) return r.file + ": error: " + r.read_error + "\n";
  for (const auto& d : r.diagnostics) s += d.Format(r.file) + "\n";
  for (const auto& d : r.policy) {
    s += r.file + ": " + (d.path.empty() ? "" : d.path + ": ") + "policy " +
         (d.severity == Severity::kError ? "error" : "warning") + ": " + d.message + "\n";
  }
  for (const auto& n : r.notes) s += r.file + ": note: " + n.message + "\n";

  const profile::Target t = profile::ResolveTarget(o.compile.target);
  const size_t errors = r.Count(Severity::kError), warnings = r.Count(Severity::kWarning);
  std::string verdict = r.ExitCode() == kExitOk ? "valid" : "INVALID";
  s += r.file + ": " + verdict + " for " + profile::EngineName(t.engine) + " with " + RuntimeName(o.compile) + " on " +
       NativeArchName(t.arch) + ", kernel " + std::to_string(t.kernel_major) + "." + std::to_string(t.kernel_minor) +
       ", " + CapsSummary(t.caps) + " (" + std::to_string(errors) + " error" + (errors == 1 ? "" : "s") + ", " +
       std::to_string(warnings) + " warning" + (warnings == 1 ? "" : "s") + ")\n";
  if (o.container) {
    s += std::string("  engine: ") +
         (r.starts ? "accepts the profile and the runtime can start a container"
                   : "the container does NOT start (see the errors above)") +
         " (" + RuntimeName(o.compile) + ", no-new-privileges=" + (o.no_new_privileges ? "true" : "false") + ")";
  } else {
    s += std::string("  plain program (--runtime none): ") +
         (r.starts ? "the filter can be enforced (`profilegen run`)" : "the filter cannot be enforced (see the errors above)");
  }
  if (!r.policy.empty())
    s += "; policy: " + std::to_string(r.policy.size()) + " objection" + (r.policy.size() == 1 ? "" : "s");
  s += "\n";
  if (!r.compiled) return s;

  const Compiled& c = *r.compiled;
  s += "  default action: " + c.default_verdict.ToString() + "\n";
  s += "  arches:";
  for (auto a : c.arches) s += " " + ArchName(a);
  s += "\n";
  s += "  rules: " + Count(c.entries_applied, "entry applies", "entries apply") + " (" +
       std::to_string(c.entries_skipped) + " left out by includes/excludes), " + Count(c.names, "name", "names") +
       " -> " + Count(c.rules_added, "libseccomp rule", "libseccomp rules") +
       "; skipped: " + std::to_string(c.skipped_default) + " equal to the default action, " +
       std::to_string(c.skipped_unknown) + " unknown to libseccomp\n";
  s += "  bpf: " + std::to_string(c.program.size()) + " instructions";
  if (c.stub_instructions > 0) {
    s += " (ENOSYS stub " + std::to_string(c.stub_instructions) + " + libseccomp " +
         std::to_string(c.program.size() - c.stub_instructions) + ")";
  }
  s += std::string(c.binary_tree ? ", binary tree" : ", linear") + ", kernel limit 4096\n";
  if (!c.stub.empty()) {
    s += "  enosys stub:";
    for (const auto& a : c.stub) {
      s += " " + ArchName(a.arch) + " above " +
           std::to_string(a.arch == SCMP_ARCH_X32 ? a.max_nr & ~int64_t{sys::kX32SyscallBit} : a.max_nr);
      if (a.arch == SCMP_ARCH_X32) s += " (+bit 30)";
    }
    s += "\n";
  } else if (o.compile.runtime == Runtime::kCrun) {
    s += "  enosys stub: none (crun)\n";
  } else if (c.stub_instructions > 0) {
    s += "  enosys stub: covers no arch (runc's empty frame only)\n";
  }
  for (const auto& st : r.cache) {
    s += "  cache " + ArchName(st.arch) + ": ";
    if (st.kernel_caches) {
      s += std::to_string(st.constant_allow) + " of " + std::to_string(st.syscalls) + " syscalls allowed and cached";
    } else {
      s += std::to_string(st.constant_allow) + " of " + std::to_string(st.syscalls) +
           " syscalls allowed, none cached (the kernel caches only the native and compat arches)";
    }
    s += ", " + Count(st.argument_dependent, "depends", "depend") + " on arguments\n";
  }
  if (r.load) {
    s += std::string("  load: ") + (r.load->accepted ? "accepted by the kernel" : "REFUSED by the kernel") + " (" +
         r.load->detail + ")\n";
  }
  return s;
}

nlohmann::ordered_json ToJson(const Report& r, const ValidateOptions& o) {
  using nlohmann::ordered_json;
  ordered_json j;
  j["file"] = r.file;
  j["valid"] = r.ExitCode() == kExitOk;
  j["exit"] = r.ExitCode();
  if (!r.readable) {
    j["error"] = r.read_error;
    return j;
  }
  auto diag = [](const Diagnostic& d) {
    return ordered_json{
        {"severity", d.severity == Severity::kError ? "error" : "warning"}, {"path", d.path}, {"message", d.message}};
  };
  j["diagnostics"] = ordered_json::array();
  for (const auto& d : r.diagnostics) j["diagnostics"].push_back(diag(d));
  j["notes"] = ordered_json::array();
  for (const auto& d : r.notes) j["notes"].push_back(d.message);
  const profile::Target t = profile::ResolveTarget(o.compile.target);
  j["target"] = {{"engine", profile::EngineName(t.engine)},
                 {"runtime", RuntimeName(o.compile)},
                 {"arch", ArchName(t.arch)},
                 {"kernel", std::to_string(t.kernel_major) + "." + std::to_string(t.kernel_minor)},
                 {"caps", t.caps}};
  j["policy"] = ordered_json::array();
  for (const auto& d : r.policy) j["policy"].push_back(diag(d));
  j["starts"] = r.starts;
  j["noNewPrivileges"] = o.no_new_privileges;
  j["seccomp"] = r.seccomp_off ? "off" : "on";
  if (r.compiled) {
    const Compiled& c = *r.compiled;
    ordered_json comp;
    comp["defaultAction"] = c.default_verdict.ToString();
    comp["arches"] = ordered_json::array();
    for (auto a : c.arches) comp["arches"].push_back(ArchName(a));
    comp["entriesApplied"] = c.entries_applied;
    comp["entriesSkipped"] = c.entries_skipped;
    comp["names"] = c.names;
    comp["rules"] = c.rules_added;
    comp["skippedDefault"] = c.skipped_default;
    comp["skippedUnknown"] = c.skipped_unknown;
    comp["binaryTree"] = c.binary_tree;
    comp["instructions"] = c.program.size();
    comp["stubInstructions"] = c.stub_instructions;
    comp["stub"] = ordered_json::array();
    for (const auto& a : c.stub) comp["stub"].push_back({{"arch", ArchName(a.arch)}, {"max", a.max_nr}});
    comp["loadFlags"] = c.load_flags;
    j["compile"] = comp;
    j["cache"] = ordered_json::array();
    for (const auto& st : r.cache) {
      j["cache"].push_back({{"arch", ArchName(st.arch)},
                            {"kernelCaches", st.kernel_caches},
                            {"syscalls", st.syscalls},
                            {"allowedCacheable", st.kernel_caches ? st.constant_allow : 0},
                            {"allowedWithoutArguments", st.constant_allow},
                            {"argumentDependent", st.argument_dependent}});
    }
  }
  if (r.load) {
    j["load"] = {{"accepted", r.load->accepted}, {"errno", r.load->error}, {"detail", r.load->detail}};
  }
  return j;
}

}  // namespace profilegen::validator

#include "validator/complain.h"

#include <linux/seccomp.h>

#include <algorithm>
#include <cstring>

#include "base/error.h"
#include "tracer/recorder.h"

namespace profilegen::validator {
namespace {

std::string ArchName(sys::ArchToken arch) {
  auto info = sys::ArchByToken(arch);
  return info ? std::string(info->scmp) : "arch " + std::to_string(arch);
}

std::string Pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

}  // namespace

std::string DescribeVerdict(const Program& program, sys::ArchToken arch, int64_t nr) {
  auto ret = ConstantAction(program, AuditArch(arch), FilterNumber(arch, nr));
  if (!ret) return "depends on arguments";
  const uint32_t data = *ret & SECCOMP_RET_DATA;
  switch (*ret & SECCOMP_RET_ACTION_FULL) {
    case SECCOMP_RET_KILL_PROCESS: return "SCMP_ACT_KILL_PROCESS";
    case SECCOMP_RET_KILL_THREAD: return "SCMP_ACT_KILL_THREAD";
    case SECCOMP_RET_TRAP: return "SCMP_ACT_TRAP";
    case SECCOMP_RET_ERRNO: {
      const char* name = ::strerrorname_np(static_cast<int>(data));
      return "SCMP_ACT_ERRNO(" + std::to_string(data) + (name ? std::string(" ") + name : "") + ")";
    }
    case SECCOMP_RET_USER_NOTIF: return "SCMP_ACT_NOTIFY";
    case SECCOMP_RET_TRACE: return "SCMP_ACT_TRACE(" + std::to_string(data) + ") (ENOSYS without a tracer)";
    case SECCOMP_RET_LOG: return "SCMP_ACT_LOG";
    case SECCOMP_RET_ALLOW: return "SCMP_ACT_ALLOW";
    default: return "unknown action";
  }
}

ComplainResult RunComplaining(const profile::Profile& profile, const CompileOptions& options,
                              const std::vector<std::string>& command) {
  CompileOptions complain = options;
  complain.complain = true;
  Compiled compiled = Compile(profile, complain);
  if (!compiled.ok()) {
    std::string message = "the runtime would refuse this profile:";
    for (const auto& d : compiled.errors) message += "\n  " + d.path + ": " + d.message;
    throw Error(message, kExitInternal);
  }
  tracer::RecordOptions record;
  record.command = command;
  record.filter = std::move(compiled.program);
  tracer::RecordResult result = tracer::Record(record);
  return {std::move(result.trace), result.exit_code};
}

std::string FormatDenied(const trace::Trace& denied, const Program& enforced) {
  if (denied.syscalls.empty()) return "profilegen: complain: the profile denied nothing\n";
  std::vector<const trace::SyscallRecord*> rows;
  for (const auto& [key, rec] : denied.syscalls) rows.push_back(&rec);
  std::sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) {
    return std::pair{a->DisplayName(), a->arch} < std::pair{b->DisplayName(), b->arch};
  });
  size_t name_width = 4, arch_width = 4, exe_width = 5;
  for (const auto* r : rows) {
    name_width = std::max(name_width, r->DisplayName().size());
    arch_width = std::max(arch_width, ArchName(r->arch).size());
    exe_width = std::max(exe_width, r->first.exe.size());
  }
  std::string s = "profilegen: complain: " + std::to_string(rows.size()) + " syscall" + (rows.size() == 1 ? "" : "s") +
                  " the profile would deny:\n";
  s += "  " + Pad("NAME", name_width) + "  " + Pad("ARCH", arch_width) + "  " + Pad("COUNT", 7) + "  " +
       Pad("FIRST", exe_width) + "  PROFILE SAYS\n";
  for (const auto* r : rows) {
    s += "  " + Pad(r->DisplayName(), name_width) + "  " + Pad(ArchName(r->arch), arch_width) + "  " +
         Pad(std::to_string(r->count), 7) + "  " + Pad(r->first.exe, exe_width) + "  " +
         DescribeVerdict(enforced, r->arch, r->nr) + "\n";
  }
  return s;
}

}  // namespace profilegen::validator

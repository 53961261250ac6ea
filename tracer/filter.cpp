#include "tracer/filter.h"

#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "base/error.h"
#include "base/fd.h"

namespace profilegen::tracer {
namespace {

struct CtxDeleter {
  void operator()(void* ctx) const noexcept { seccomp_release(ctx); }
};
using Ctx = std::unique_ptr<void, CtxDeleter>;

std::vector<sock_filter> Export(scmp_filter_ctx ctx) {
  UniqueFd fd(::memfd_create("profilegen-bpf", MFD_CLOEXEC));
  if (!fd.valid()) throw SystemError("memfd_create", errno);
  if (int rc = seccomp_export_bpf(ctx, fd.get()); rc < 0) throw SystemError("seccomp_export_bpf", -rc);
  off_t size = ::lseek(fd.get(), 0, SEEK_END);
  if (size < 0 || size % sizeof(sock_filter) != 0) throw Error("seccomp_export_bpf produced a malformed program", 125);
  std::vector<sock_filter> prog(static_cast<size_t>(size) / sizeof(sock_filter));
  if (::pread(fd.get(), prog.data(), static_cast<size_t>(size), 0) != size) throw SystemError("reading BPF", errno);
  return prog;
}

/// The syscalls the recorder must always stop at, --known or not: execve, execveat and exit_group end a
/// process's mappings, which it reads at their entry.
bool IsMappingsEnd(const std::string& name) {
  return name == "execve" || name == "execveat" || name == "exit_group";
}

}  // namespace

std::vector<sock_filter> TraceEverythingFilter() {
  return {sock_filter{BPF_RET | BPF_K, 0, 0, SECCOMP_RET_TRACE}};
}

std::vector<sock_filter> TraceUnknownFilter(const std::vector<trace::Trace>& known) {
  // libseccomp reads a rule's number as the native arch's and applies it by name to every arch of the
  // context. To allow a syscall on one arch only, build one context per arch and merge them.
  sys::ArchToken host = sys::HostArch();
  std::vector<sys::ArchToken> arches = {host};
  for (sys::ArchToken sub : sys::SubArches(host)) arches.push_back(sub);
  Ctx merged;
  for (sys::ArchToken arch : arches) {
    Ctx ctx(seccomp_init(SCMP_ACT_TRACE(0)));
    if (!ctx) throw Error("seccomp_init failed", kExitInternal);
    seccomp_attr_set(ctx.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRACE(0));
    if (arch != host) {
      if (int rc = seccomp_arch_add(ctx.get(), arch); rc < 0) throw SystemError("seccomp_arch_add", -rc);
      if (int rc = seccomp_arch_remove(ctx.get(), SCMP_ARCH_NATIVE); rc < 0) throw SystemError("seccomp_arch_remove", -rc);
    }
    for (const trace::Trace& t : known) {
      for (const auto& [key, rec] : t.syscalls) {
        if (key.first != arch || !rec.name || !trace::CapturedArgs(*rec.name).empty()) continue;
        if (IsMappingsEnd(*rec.name)) continue;  // the recorder reads the process's mappings there
        if (sys::Resolve(arch, *rec.name).status != sys::NameStatus::kPresent) continue;
        int native_nr = seccomp_syscall_resolve_name(rec.name->c_str());
        int rc = seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, native_nr, 0);
        if (rc < 0 && rc != -EEXIST) throw SystemError("seccomp_rule_add for " + *rec.name, -rc);
      }
    }
    if (!merged) {
      merged = std::move(ctx);
    } else if (int rc = seccomp_merge(merged.get(), ctx.get()); rc < 0) {
      throw SystemError("seccomp_merge", -rc);
    } else {
      (void)ctx.release();  // seccomp_merge took ownership
    }
  }
  return Export(merged.get());
}

bool SeccompFilterAvailable() {
  // The classic probe: with a NULL program, a kernel that supports filters answers EFAULT.
  errno = 0;
  int rc = ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, nullptr, 0, 0);
  return rc == -1 && errno == EFAULT;
}

}  // namespace profilegen::tracer

// The command installs a seccomp filter of its own: from then on the recorder stops every task at syscall entry.
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/user.h>

#include <cerrno>
#include <cstdint>

#include "tracer/recorder_impl.h"

namespace profilegen::tracer {
namespace {

// What a syscall cut short by a stop returns while the kernel still means to make it again (the kernel's
// ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND, ERESTART_RESTARTBLOCK; never seen by the program).
bool WillRestart(int32_t ret) { return ret == -512 || ret == -513 || ret == -514 || ret == -516; }

}  // namespace

void Recorder::OnOwnFilter(pid_t pid, const std::string& name, const uint64_t* args) {
  // Where the command's filter returns ERRNO, TRAP, KILL or USER_NOTIF, that takes precedence over our
  // SECCOMP_RET_TRACE and the call would never stop here, though the program made it (and under a profile whose
  // default action kills, it would matter). So from now on every task also stops at syscall entry
  // (PTRACE_SYSCALL), which comes before seccomp; a seccomp stop that follows an entry stop is not counted twice.
  // Not in `run --complain`, whose own filter decides what is recorded.
  if (options_.filter) return;
  bool installs = (name == "seccomp" && args[0] == SECCOMP_SET_MODE_FILTER) ||
                  (name == "prctl" && args[0] == PR_SET_SECCOMP && args[1] == SECCOMP_MODE_FILTER);
  if (installs) EnterSyscallMode(pid);
}

void Recorder::EnterSyscallMode(pid_t installer) {
  // (Never in `record --pid`, which is in syscall mode from the start: Detach never meets a held task.)
  syscall_mode_ = true;
  // A task resumed with PTRACE_CONT before now (a thread blocked in read, say) would make its next calls unseen
  // under the new filter (SECCOMP_FILTER_FLAG_TSYNC puts it on every thread): interrupt each one, and keep the
  // installer stopped before its filter exists until every one of them has stopped once and so been resumed
  // with PTRACE_SYSCALL. New tasks and group-stopped ones report a stop before they run again anyway. A parent
  // waiting in vfork is interrupted but not waited for: its wait may be for the installer (a vfork child setting
  // up a sandbox before exec), and it stops at the interrupt as it returns, before it can make another call.
  for (pid_t tid : tasks_.LiveTids()) {
    Task* task = tasks_.Live(tid);
    if (tid == installer || task == nullptr || task->state != TaskState::kRunning) continue;
    if (!PtraceOk(::ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr), "PTRACE_INTERRUPT", tid)) continue;  // gone
    task->interrupted = true;
    if (!task->in_vfork) switch_pending_.insert(tid);
  }
  if (!switch_pending_.empty()) switch_held_ = installer;
}

void Recorder::SwitchReached(pid_t tid) {
  if (switch_held_ == 0) return;
  if (tid == switch_held_) {  // reported while held: it can only have been killed
    switch_held_ = 0;
    switch_pending_.clear();
    return;
  }
  switch_pending_.erase(tid);
  if (!switch_pending_.empty()) return;
  pid_t held = switch_held_;
  switch_held_ = 0;
  Resume(held, 0);
}

void Recorder::NoteInterruptedSyscall(pid_t tid, Task& task) {
  // The first stop after our interrupt: the interrupt's own PTRACE_EVENT_STOP, or any other trap that came first
  // (the kernel then drops the interrupt), such as the exit stop of the syscall it cut short. A syscall cut short
  // (a read waiting for data) is made again when the task goes on; that entry was counted already.
  task.interrupted = false;
  user_regs_struct regs{};
  if (!PtraceOk(::ptrace(PTRACE_GETREGS, tid, nullptr, &regs), "PTRACE_GETREGS", tid)) return;
  // (orig_rax is -1 outside a syscall; an i386 task's values are in the low 32 bits)
  auto nr = static_cast<int32_t>(regs.orig_rax);
  if (nr >= 0 && WillRestart(static_cast<int32_t>(regs.rax))) task.reentry_nr = nr;
}

}  // namespace profilegen::tracer

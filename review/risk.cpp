#include "review/risk.h"

#include "review/policy.h"

namespace profilegen::review {

std::string_view CategoryName(RiskCategory c) {
  switch (c) {
    case RiskCategory::kEscape:
      return "escape";
    case RiskCategory::kKernelAttackSurface:
      return "kernel-attack-surface";
    case RiskCategory::kHostState:
      return "host-state";
    case RiskCategory::kInformationLeak:
      return "information-leak";
  }
  return "escape";
}

namespace {

using C = RiskCategory;

// Reasons are ours, kept to one line: what the call gives an attacker inside a container. Most of them are
// harmless without a capability; the catalogue flags them anyway because the capability set is the next
// thing a deployment tends to widen, and seccomp is the layer that should not depend on it.
const std::vector<RiskInfo> kCatalogue = {
    // Mounts: rearranging the filesystem view is the oldest way out of a container.
    {"mount", C::kEscape, "can mount filesystems and remount host paths read-write; a container-escape primitive"},
    {"umount", C::kEscape, "can unmount filesystems, uncovering paths the runtime masked (/proc/kcore, ...)"},
    {"umount2", C::kEscape, "can unmount filesystems, uncovering paths the runtime masked (/proc/kcore, ...)"},
    {"pivot_root", C::kEscape, "swaps the root filesystem; with mount it lets a process step outside its rootfs"},
    {"chroot", C::kEscape, "changes the root directory; with an open directory fd it is a known way out of a chroot"},
    {"move_mount", C::kEscape, "new mount API: attaches mounts anywhere, the same power as mount(2)"},
    {"open_tree", C::kEscape, "new mount API: clones a mount tree that can then be attached elsewhere"},
    {"fsopen", C::kEscape, "new mount API: creates a filesystem context, the first step of a mount"},
    {"fsmount", C::kEscape, "new mount API: turns a filesystem context into a mount"},
    {"fsconfig", C::kEscape, "new mount API: configures a filesystem context, including remount parameters"},
    {"fspick", C::kEscape, "new mount API: reopens an existing mount for reconfiguration (remount)"},
    {"mount_setattr", C::kEscape, "changes attributes of existing mounts, such as read-only or idmapping"},
    // Other processes.
    {"ptrace", C::kEscape,
     "reads and writes other processes' memory and registers; before 4.8 it also bypassed seccomp"},
    {"process_vm_writev", C::kEscape, "writes directly into another process's memory"},
    {"pidfd_getfd", C::kEscape, "copies an open file descriptor out of another process"},
    {"process_madvise", C::kHostState, "applies memory advice to another process's address space"},
    {"process_vm_readv", C::kInformationLeak, "reads another process's memory (secrets, keys)"},
    {"kcmp", C::kInformationLeak, "compares kernel objects of two processes, revealing kernel pointer ordering"},
    // Namespaces.
    {"unshare", C::kEscape, "creates namespaces; a user namespace opens kernel code normally reserved to root"},
    {"setns", C::kEscape, "joins another namespace through a file descriptor, possibly the host's"},
    {"clone", C::kEscape, "with CLONE_NEW* flags it creates namespaces, as unshare does"},
    {"clone3", C::kEscape, "its flags sit in memory seccomp cannot read, so namespace creation cannot be filtered"},
    // Code into the kernel, the kernel replaced.
    {"init_module", C::kEscape, "loads code into the host kernel"},
    {"finit_module", C::kEscape, "loads code into the host kernel from a file"},
    {"delete_module", C::kHostState, "unloads host kernel modules that other workloads rely on"},
    {"create_module", C::kEscape, "obsolete module loader interface (pre-2.6 kernels)"},
    {"kexec_load", C::kHostState, "replaces the running host kernel"},
    {"kexec_file_load", C::kHostState, "replaces the running host kernel from a file"},
    {"iopl", C::kEscape, "raises the I/O privilege level: direct access to every hardware I/O port"},
    {"ioperm", C::kEscape, "grants direct access to hardware I/O ports"},
    {"open_by_handle_at", C::kEscape, "opens files by handle regardless of mount namespace: the 'shocker' escape"},
    // Large or fragile kernel interfaces.
    {"bpf", C::kKernelAttackSurface,
     "loads programs into the kernel: a large verifier surface with a history of exploits"},
    {"perf_event_open", C::kKernelAttackSurface,
     "large performance-monitoring interface; frequent kernel bugs and side channels"},
    {"userfaultfd", C::kKernelAttackSurface,
     "lets a process stall kernel accesses to its memory, widening race windows for exploits"},
    {"io_uring_setup", C::kKernelAttackSurface,
     "io_uring: operations it submits bypass seccomp, and a frequent source of kernel exploits"},
    {"io_uring_enter", C::kKernelAttackSurface,
     "io_uring: operations it submits bypass seccomp, and a frequent source of kernel exploits"},
    {"io_uring_register", C::kKernelAttackSurface,
     "io_uring: registers files and buffers with a ring whose operations bypass seccomp"},
    {"keyctl", C::kKernelAttackSurface, "the kernel keyring is not namespaced and its code has a history of bugs"},
    {"add_key", C::kKernelAttackSurface, "adds keys to the kernel keyring, which is not namespaced"},
    {"request_key", C::kKernelAttackSurface,
     "requests keys from the kernel keyring, which can call out to host helpers"},
    {"personality", C::kKernelAttackSurface,
     "selects execution domains such as READ_IMPLIES_EXEC that weaken memory protections"},
    {"uselib", C::kKernelAttackSurface, "obsolete a.out library loader, rarely exercised kernel code"},
    {"vm86", C::kKernelAttackSurface, "virtual-8086 mode: old, rarely exercised kernel code"},
    {"vm86old", C::kKernelAttackSurface, "virtual-8086 mode: old, rarely exercised kernel code"},
    {"nfsservctl", C::kKernelAttackSurface, "removed NFS server control interface"},
    {"_sysctl", C::kHostState, "obsolete binary sysctl interface that changes host kernel parameters"},
    // Host-wide state.
    {"reboot", C::kHostState, "reboots or halts the host, or changes Ctrl-Alt-Del handling"},
    {"swapon", C::kHostState, "adds a host swap device"},
    {"swapoff", C::kHostState, "removes a host swap device"},
    {"sethostname", C::kHostState, "changes the host name when the container shares the host's UTS namespace"},
    {"setdomainname", C::kHostState, "changes the NIS domain name when the container shares the host's UTS namespace"},
    {"acct", C::kHostState, "switches process accounting on or off for the host"},
    {"quotactl", C::kHostState, "changes disk quotas of host filesystems"},
    {"quotactl_fd", C::kHostState, "changes disk quotas of host filesystems"},
    {"settimeofday", C::kHostState, "sets the clock, which is shared with the host"},
    {"clock_settime", C::kHostState, "sets a clock, which is shared with the host"},
    {"clock_settime64", C::kHostState, "sets a clock, which is shared with the host"},
    {"clock_adjtime", C::kHostState, "adjusts a clock, which is shared with the host (read-only use is harmless)"},
    {"clock_adjtime64", C::kHostState, "adjusts a clock, which is shared with the host (read-only use is harmless)"},
    {"adjtimex", C::kHostState, "adjusts the system clock, which is shared with the host (read-only use is harmless)"},
    {"stime", C::kHostState, "sets the clock, which is shared with the host"},
    {"vhangup", C::kHostState, "hangs up the current terminal"},
    {"mbind", C::kHostState, "binds memory to NUMA nodes, which can starve other workloads on the host"},
    {"set_mempolicy", C::kHostState, "sets the NUMA memory policy, which can starve other workloads on the host"},
    {"migrate_pages", C::kHostState, "moves another process's pages between NUMA nodes"},
    {"move_pages", C::kHostState, "moves pages between NUMA nodes, also another process's"},
    // Reading what belongs to others.
    {"syslog", C::kInformationLeak,
     "reads the kernel log: kernel addresses and events from the host and other containers"},
    {"lookup_dcookie", C::kInformationLeak,
     "turns kernel directory-entry cookies into paths, outside the mount namespace"},
    {"name_to_handle_at", C::kInformationLeak, "produces file handles, the input of the open_by_handle_at escape"},
    {"fanotify_init", C::kInformationLeak, "watches file access on whole filesystems, including the host's"},
    {"get_kernel_syms", C::kInformationLeak, "obsolete call listing kernel symbols"},
    {"query_module", C::kInformationLeak, "obsolete call listing kernel modules"},
};

}  // namespace

const std::vector<RiskInfo>& RiskCatalogue() { return kCatalogue; }

const RiskInfo* FindRisk(std::string_view syscall) {
  for (const auto& r : kCatalogue) {
    if (r.syscall == syscall) return &r;
  }
  return nullptr;
}

std::optional<RiskInfo> AssessRisk(sys::ArchToken arch, std::string_view name, const profile::SyscallPolicy* policy,
                                   const profile::Verdict& default_verdict) {
  const RiskInfo* info = FindRisk(name);
  if (!info) return std::nullopt;
  if (AllowanceOf(policy, default_verdict) == Allowance::kNever) return std::nullopt;
  if (name == "clone" && !ClonePermitsNamespaces(arch, policy, default_verdict)) return std::nullopt;
  return *info;
}

}  // namespace profilegen::review

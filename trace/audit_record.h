#pragma once
/// The kernel's seccomp audit records (type 1326, AUDIT_SECCOMP), one line of a log at a time. A filter action
/// the kernel logs (SECCOMP_RET_LOG always, KILL, and others when asked for) becomes one record:
///   /dev/kmsg:  6,2338,13193001082,-;audit: type=1326 audit(1795996100.446:141215): auid=4294967295 uid=0 ...
///   dmesg:      [13193.001082] audit: type=1326 audit(1795996100.446:141215): auid=... pid=21305 comm="x" ...
///   journalctl: Nov 29 23:00:00 host kernel: audit: type=1326 audit(...): ...
///   audit.log:  type=SECCOMP msg=audit(1795996100.446:141215): auid=... arch=c000003e syscall=83 ... code=0x7ffc0000
/// Pure code: no file is read here.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "syscalls/syscalls.h"

namespace profilegen::trace {

struct SeccompRecord {
  double time = 0;      ///< audit(SECONDS.MILLIS:...): wall-clock seconds since the epoch
  uint64_t serial = 0;  ///< audit(...:SERIAL): every audit record of the boot takes the next one
  int64_t pid = 0;      ///< in the initial pid namespace
  std::string comm;
  std::string exe;          ///< empty when the kernel printed (null)
  sys::ArchToken arch = 0;  ///< the AUDIT_ARCH value, which is libseccomp's token; x32 calls become SCMP_ARCH_X32
  int64_t nr = 0;           ///< x32: without the x32 bit
  uint32_t code = 0;        ///< the filter's return value: action | data
};

enum class LineKind {
  kOther,       ///< not a seccomp record and nothing about lost records
  kSeccomp,     ///< a type 1326 / SECCOMP record: `record` is set
  kSuppressed,  ///< "kauditd_printk_skb: N callbacks suppressed": N audit messages never reached the log
  kLost,        ///< "audit: audit_lost=N ..." / "audit_backlog=N > audit_backlog_limit": the audit queue dropped some
  kMalformed,   ///< looks like a seccomp record but a field is missing or unreadable: `problem` says which
};

struct LogLine {
  LineKind kind = LineKind::kOther;
  SeccompRecord record;
  uint64_t suppressed = 0;        ///< kSuppressed: N
  std::optional<uint64_t> serial;  ///< any audit line's audit(...:SERIAL), of every type (kSeccomp: record.serial)
  std::string problem;      ///< kMalformed
};

/// Classifies and parses one line (trailing newline allowed). Never throws.
LogLine ParseLogLine(std::string_view line);

/// "log", "kill_process", "kill_thread", "trap", "errno", "trace", "user_notif", "allow" for a filter return value.
std::string_view SeccompActionName(uint32_t code);

}  // namespace profilegen::trace

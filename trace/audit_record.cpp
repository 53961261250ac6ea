#include "trace/audit_record.h"

#include <cctype>
#include <charconv>
#include <map>

namespace profilegen::trace {
namespace {

// The kernel prints untrusted strings (comm, exe) quoted, or as bare hex when they hold a space, a quote or a
// control character (audit_log_untrustedstring).
std::string Unescape(std::string_view v) {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') return std::string(v.substr(1, v.size() - 2));
  if (v == "(null)") return {};
  if (v.size() % 2 != 0) return std::string(v);
  std::string out;
  for (size_t i = 0; i < v.size(); i += 2) {
    unsigned byte = 0;
    auto [p, ec] = std::from_chars(v.data() + i, v.data() + i + 2, byte, 16);
    if (ec != std::errc() || p != v.data() + i + 2) return std::string(v);
    out.push_back(static_cast<char>(byte));
  }
  return out;
}

// key=value pairs separated by spaces (auditd's enriched format puts 0x1d before its own upper-case fields); a
// quoted value may hold spaces.
std::map<std::string, std::string, std::less<>> Fields(std::string_view s) {
  std::map<std::string, std::string, std::less<>> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\x1d')) ++i;
    size_t eq = s.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string key(s.substr(i, eq - i));
    size_t end;
    if (eq + 1 < s.size() && s[eq + 1] == '"') {
      end = s.find('"', eq + 2);
      end = end == std::string_view::npos ? s.size() : end + 1;
    } else {
      end = s.find_first_of(" \x1d", eq + 1);
      if (end == std::string_view::npos) end = s.size();
    }
    out[key] = std::string(s.substr(eq + 1, end - eq - 1));
    i = end;
  }
  return out;
}

template <typename T>
bool Number(std::string_view v, T& out, int base = 10) {
  if (base == 16 && v.substr(0, 2) == "0x") v.remove_prefix(2);
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out, base);
  return ec == std::errc() && p == v.data() + v.size() && !v.empty();
}

// "kauditd_printk_skb: 171 callbacks suppressed" -> 171.
std::optional<uint64_t> Suppressed(std::string_view line) {
  size_t at = line.find("kauditd_printk_skb: ");
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = line.substr(at + 20);
  size_t sp = rest.find(' ');
  uint64_t n = 0;
  if (sp == std::string_view::npos || !Number(rest.substr(0, sp), n)) return std::nullopt;
  if (rest.substr(sp, 21) != " callbacks suppressed") return std::nullopt;
  return n;
}

LogLine Malformed(std::string problem) {
  LogLine l;
  l.kind = LineKind::kMalformed;
  l.problem = std::move(problem);
  return l;
}

}  // namespace

LogLine ParseLogLine(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  LogLine out;
  if (auto n = Suppressed(line)) {
    out.kind = LineKind::kSuppressed;
    out.suppressed = *n;
    return out;
  }
  size_t head = line.find("type=1326 audit(");
  size_t open = head == std::string_view::npos ? head : head + 15;
  if (head == std::string_view::npos) {
    head = line.find("type=SECCOMP msg=audit(");
    open = head == std::string_view::npos ? head : head + 22;
  }
  if (head == std::string_view::npos) {
    // Another audit record type: only its serial matters (to tell lost seccomp records from other types).
    if (size_t at = line.find("audit("); at != std::string_view::npos) {
      std::string_view rest = line.substr(at + 6);
      size_t colon = rest.find(':'), close = rest.find(')');
      uint64_t serial = 0;
      if (colon < close && close != std::string_view::npos && Number(rest.substr(colon + 1, close - colon - 1), serial)) {
        out.serial = serial;
      }
    }
    if (line.find("audit: audit_lost=") != std::string_view::npos ||
        line.find("audit_backlog_limit") != std::string_view::npos ||
        line.find("kauditd hold queue overflow") != std::string_view::npos) {
      out.kind = LineKind::kLost;
    }
    return out;
  }
  // audit(SECONDS.MILLIS:SERIAL):
  size_t close = line.find("):", open);
  if (close == std::string_view::npos) return Malformed("no closing \"):\" after audit(");
  std::string_view stamp = line.substr(open + 1, close - open - 1);
  size_t colon = stamp.find(':');
  size_t dot = stamp.find('.');
  uint64_t secs = 0, millis = 0;
  SeccompRecord& r = out.record;
  if (colon == std::string_view::npos || dot == std::string_view::npos || dot > colon ||
      !Number(stamp.substr(0, dot), secs) || !Number(stamp.substr(dot + 1, colon - dot - 1), millis) ||
      !Number(stamp.substr(colon + 1), r.serial)) {
    return Malformed("unreadable audit(" + std::string(stamp) + ")");
  }
  r.time = static_cast<double>(secs) + static_cast<double>(millis) / 1000.0;
  out.serial = r.serial;
  auto f = Fields(line.substr(close + 2));
  auto get = [&f](std::string_view key) -> const std::string* {
    auto it = f.find(key);
    return it == f.end() ? nullptr : &it->second;
  };
  const std::string *pid = get("pid"), *arch = get("arch"), *nr = get("syscall"), *code = get("code");
  if (!pid || !Number(*pid, r.pid)) return Malformed("no readable pid=");
  uint32_t audit_arch = 0;
  if (!arch || !Number(*arch, audit_arch, 16)) return Malformed("no readable arch=");
  uint64_t number = 0;
  if (!nr || !Number(*nr, number)) return Malformed("no readable syscall=");
  if (!code || !Number(*code, r.code, 16)) return Malformed("no readable code=");
  r.arch = audit_arch;
  r.nr = static_cast<int64_t>(number);
  if (auto x32 = sys::ArchByNativeName("x32"); x32 && sys::ArchByNativeName("amd64") &&
                                                  audit_arch == sys::ArchByNativeName("amd64")->token &&
                                                  (number & sys::kX32SyscallBit)) {
    r.arch = x32->token;
    r.nr = static_cast<int64_t>(number & ~static_cast<uint64_t>(sys::kX32SyscallBit));
  }
  if (!sys::ArchByToken(r.arch)) return Malformed("arch=" + *arch + " is no architecture libseccomp knows");
  if (const std::string* comm = get("comm")) r.comm = Unescape(*comm);
  if (const std::string* exe = get("exe")) r.exe = Unescape(*exe);
  out.kind = LineKind::kSeccomp;
  return out;
}

std::string_view SeccompActionName(uint32_t code) {
  switch (code & 0xffff0000u) {  // SECCOMP_RET_ACTION_FULL
    case 0x80000000u:
      return "kill_process";
    case 0x00000000u:
      return "kill_thread";
    case 0x00030000u:
      return "trap";
    case 0x00050000u:
      return "errno";
    case 0x7fc00000u:
      return "user_notif";
    case 0x7ff00000u:
      return "trace";
    case 0x7ffc0000u:
      return "log";
    case 0x7fff0000u:
      return "allow";
  }
  return "unknown";
}

}  // namespace profilegen::trace

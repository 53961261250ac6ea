#include "trace/log_learn.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <set>

#include "base/error.h"

namespace profilegen::trace {
namespace {

bool InWindow(double t, const LogFilter& f) {
  // The log has milliseconds; the window's bounds are compared at that precision.
  if (f.since && t + 0.0005 < *f.since) return false;
  if (f.until && t - 0.0005 > *f.until) return false;
  return true;
}

bool Selected(const SeccompRecord& r, const LogFilter& f) {
  if (!f.exes.empty() && std::find(f.exes.begin(), f.exes.end(), r.exe) == f.exes.end()) return false;
  return !f.keep || f.keep(r);
}

void Add(Trace& t, const SeccompRecord& r) {
  SyscallKey key{r.arch, r.nr};
  auto [it, inserted] = t.syscalls.try_emplace(key);
  SyscallRecord& rec = it->second;
  if (inserted) {
    rec.arch = r.arch;
    rec.nr = r.nr;
    rec.name = sys::NameOf(r.arch, r.nr);
    rec.first = {r.pid, r.exe};
  }
  ++rec.count;
}

[[noreturn]] void BadTime(std::string_view option, std::string_view text) {
  throw Error(std::string(option) + ": cannot read \"" + std::string(text) +
                  "\" as a time; use 2026-11-29T23:00:00Z (UTC), @SECONDS (since the epoch) or -90s, -10m, -2h, -1d "
                  "(before now)",
              kExitUsage);
}

}  // namespace

Learned LearnFromLog(const std::vector<std::string>& lines, const LogFilter& filter, LogSource source,
                     sys::ArchToken host_arch, const std::string& kernel) {
  Learned out;
  LearnStats& s = out.stats;
  std::set<int64_t> pids;
  std::optional<double> first_time;
  std::vector<uint64_t> serials;     // of every audit record in the window
  bool window_seen = false;          // an audit record inside the window came before this line
  bool window_over = false;          // ... and then one after it
  uint64_t pending_suppressed = 0;   // reported by a line whose audit record has not come yet
  for (const std::string& line : lines) {
    ++s.lines;
    LogLine l = ParseLogLine(line);
    switch (l.kind) {
      case LineKind::kSuppressed:
        // Printed when the rate limit lets the next message through: the drops happened before that message.
        if (window_seen && !window_over) s.suppressed += l.suppressed;
        else if (!window_seen) pending_suppressed = l.suppressed;
        continue;
      case LineKind::kLost:
        if (window_seen && !window_over) ++s.lost_lines;
        continue;
      case LineKind::kMalformed:
        if (!s.malformed++) s.first_problem = l.problem;
        continue;
      case LineKind::kOther:
      case LineKind::kSeccomp:
        break;
    }
    if (!l.serial) continue;  // not an audit record
    const bool seccomp = l.kind == LineKind::kSeccomp;
    if (seccomp) ++s.seccomp;
    // Other audit types carry no time we read; their serials still tell lost records from other types.
    const bool in_window = seccomp ? InWindow(l.record.time, filter) : window_seen && !window_over;
    if (!in_window) {
      if (window_seen && seccomp) window_over = true;
      pending_suppressed = 0;
      continue;
    }
    if (!window_seen) s.suppressed += pending_suppressed;  // the drops just before the first record counted
    window_seen = true;
    pending_suppressed = 0;
    serials.push_back(*l.serial);
    if (!seccomp) continue;
    ++s.in_window;
    if (!Selected(l.record, filter)) continue;
    ++s.matched;
    ++s.actions[std::string(SeccompActionName(l.record.code))];
    pids.insert(l.record.pid);
    if (!first_time) first_time = l.record.time;
    Add(out.trace, l.record);
  }
  std::sort(serials.begin(), serials.end());
  serials.erase(std::unique(serials.begin(), serials.end()), serials.end());
  for (size_t i = 1; i < serials.size(); ++i) s.serial_gaps += serials[i] - serials[i - 1] - 1;

  Trace& t = out.trace;
  t.command = {};
  t.started = first_time ? FormatTime(*first_time) : std::string();
  t.kernel = kernel;
  t.host_arch = host_arch;
  t.tasks = pids.size();
  source.records = s.matched;
  source.dropped = std::max(s.suppressed, s.serial_gaps);
  t.sources.push_back(std::move(source));
  return out;
}

std::vector<std::string> LearnWarnings(const LearnStats& s, const std::string& log) {
  std::vector<std::string> out;
  if (s.malformed) {
    out.push_back(std::to_string(s.malformed) + " line(s) of " + log +
                  " look like seccomp records but could not be read; the first: " + s.first_problem);
  }
  if (s.seccomp == 0) {
    out.push_back("no seccomp audit records (type=1326 / type=SECCOMP) in " + log +
                  ": was a profile with defaultAction SCMP_ACT_LOG in force? (with auditd running they go to "
                  "/var/log/audit/audit.log, not the kernel log: give it with --log)");
  } else if (s.in_window == 0) {
    out.push_back(std::to_string(s.seccomp) + " seccomp records in " + log + ", none in the time window");
  } else if (s.matched == 0) {
    out.push_back(std::to_string(s.in_window) + " seccomp records in the time window, none from the processes asked for");
  }
  const uint64_t dropped = std::max(s.suppressed, s.serial_gaps);
  if (dropped || s.lost_lines) {
    std::string why;
    if (s.suppressed) why += std::to_string(s.suppressed) + " audit messages suppressed by the kernel's printk rate limit (\"kauditd_printk_skb: N callbacks suppressed\")";
    if (s.serial_gaps) why += std::string(why.empty() ? "" : "; ") + std::to_string(s.serial_gaps) + " audit serial numbers missing between the window's records";
    if (s.lost_lines) why += std::string(why.empty() ? "" : "; ") + std::to_string(s.lost_lines) + " audit queue overflow message(s)";
    out.push_back("the log lost records in the time window (" + why +
                  "): the trace may lack syscalls. The kernel prints at most 10 audit records per 5 s without "
                  "auditd; run the workload again and learn again (which records get through differs from run to run), or run auditd and read "
                  "/var/log/audit/audit.log");
  }
  return out;
}

std::string LearnSummary(const Learned& l, const std::string& output) {
  std::string actions;
  for (const auto& [name, n] : l.stats.actions) actions += (actions.empty() ? "" : ", ") + name + ": " + std::to_string(n);
  return "learned " + std::to_string(l.trace.syscalls.size()) + " distinct syscalls from " +
         std::to_string(l.stats.matched) + " kernel log record" + (l.stats.matched == 1 ? "" : "s") +
         (actions.empty() ? "" : " (" + actions + ")") + " of " + std::to_string(l.trace.tasks) + " process" +
         (l.trace.tasks == 1 ? "" : "es") + " -> " + (output == "-" ? std::string("stdout") : output);
}

double ParseTimeArg(std::string_view text, double now, std::string_view option) {
  if (text.empty()) BadTime(option, text);
  if (text[0] == '@') {
    double v = 0;
    auto [p, ec] = std::from_chars(text.data() + 1, text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size() || text.size() == 1) BadTime(option, text);
    return v;
  }
  if (text[0] == '-') {
    uint64_t n = 0;
    auto [p, ec] = std::from_chars(text.data() + 1, text.data() + text.size(), n);
    if (ec != std::errc() || p + 1 != text.data() + text.size() || p == text.data() + 1) BadTime(option, text);
    double unit = *p == 's' ? 1 : *p == 'm' ? 60 : *p == 'h' ? 3600 : *p == 'd' ? 86400 : 0;
    if (unit == 0) BadTime(option, text);
    return now - static_cast<double>(n) * unit;
  }
  // YYYY-MM-DDTHH:MM:SS[.fff]Z
  std::tm tm{};
  const std::string s(text);
  const char* end = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!end) BadTime(option, text);
  double fraction = 0;
  if (*end == '.') {
    const char* digits = end;
    ++end;
    while (*end >= '0' && *end <= '9') ++end;
    if (end == digits + 1) BadTime(option, text);
    fraction = std::strtod(std::string(digits, end).c_str(), nullptr);
  }
  // "Z", or an offset as engines print it ("+00:00", "-05:30").
  double offset = 0;
  const std::string_view zone(end);
  if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int h = 0, m = 0;
    auto r1 = std::from_chars(zone.data() + 1, zone.data() + 3, h);
    auto r2 = std::from_chars(zone.data() + 4, zone.data() + 6, m);
    if (r1.ec != std::errc() || r2.ec != std::errc()) BadTime(option, text);
    offset = (zone[0] == '+' ? 1 : -1) * (h * 3600.0 + m * 60.0);
  } else if (zone != "Z") {
    BadTime(option, text);
  }
  return static_cast<double>(timegm(&tm)) + fraction - offset;
}

std::string FormatTime(double t) {
  const auto whole = static_cast<time_t>(std::floor(t));
  const int millis = static_cast<int>(std::lround((t - static_cast<double>(whole)) * 1000.0));
  std::tm tm{};
  gmtime_r(&whole, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = buf;
  if (millis > 0 && millis < 1000) {
    char ms[8];
    std::snprintf(ms, sizeof ms, ".%03d", millis);
    out += ms;
  }
  return out + "Z";
}

}  // namespace profilegen::trace

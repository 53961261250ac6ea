#include "trace/read_checked.h"

#include <cstdint>

#include "base/error.h"
#include "base/json_io.h"

namespace profilegen::trace {

using nlohmann::json;

void FieldReader::Fail(const std::string& where, const std::string& what) const {
  throw Error(path_ + ": " + where + ": " + what);
}

const json& FieldReader::Field(const json& obj, const char* key, const std::string& where, bool required) const {
  static const json kNull;
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) Fail(where, std::string("missing \"") + key + "\"");
    return kNull;
  }
  return *it;
}

uint64_t FieldReader::Uint(const json& v, const std::string& where) const {
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0)) {
    Fail(where, "expected a non-negative integer, got " + v.dump());
  }
  return v.get<uint64_t>();
}

std::string FieldReader::String(const json& v, const std::string& where) const {
  if (!v.is_string()) Fail(where, "expected a string, got " + v.dump());
  return v.get<std::string>();
}

sys::ArchToken FieldReader::Arch(const json& v, const std::string& where) const {
  std::string s = String(v, where);
  auto a = sys::ArchByScmpName(s);
  if (!a) Fail(where, "unknown architecture \"" + s + "\"");
  return a->token;
}

namespace {

void ParseCommand(const FieldReader& r, const json& command, Trace& t) {
  if (!command.is_array()) r.Fail("command", "expected an array of strings");
  for (size_t i = 0; i < command.size(); ++i)
    t.command.push_back(r.String(command[i], "command[" + std::to_string(i) + "]"));
}

void ParseStarted(const FieldReader& r, const json& started, Trace& t) { t.started = r.String(started, "started"); }

void ParseHost(const FieldReader& r, const json& host, Trace& t) {
  if (!host.is_object()) r.Fail("host", "expected an object");
  const json& kernel = r.Field(host, "kernel", "host", false);
  if (!kernel.is_null()) t.kernel = r.String(kernel, "host.kernel");
  const json& arch = r.Field(host, "arch", "host", false);
  if (!arch.is_null()) t.host_arch = r.Arch(arch, "host.arch");
}

void ParseExit(const FieldReader& r, const json& exit, Trace& t) {
  if (!exit.is_object()) r.Fail("exit", "expected an object");
  const json& code = r.Field(exit, "code", "exit", false);
  if (!code.is_null()) t.exit.code = static_cast<int>(r.Uint(code, "exit.code") & 0xff);
  const json& sig = r.Field(exit, "signal", "exit", false);
  if (!sig.is_null()) t.exit.signal = r.String(sig, "exit.signal");
}

void ParseTasks(const FieldReader& r, const json& tasks, Trace& t) { t.tasks = r.Uint(tasks, "tasks"); }

void ParseRuns(const FieldReader& r, const json& runs, Trace& t) { t.runs = r.Uint(runs, "runs"); }

void ParseContainers(const FieldReader& r, const json& list, Trace& t) {
  t.containers = ParseContainerList(list, [&r](const std::string& where, const std::string& what) { r.Fail(where, what); });
}

void ParseSources(const FieldReader& r, const json& list, Trace& t) {
  t.sources = ParseSourceList(list, [&r](const std::string& where, const std::string& what) { r.Fail(where, what); });
}

constexpr TraceSection kSections[] = {
    {"command", ParseCommand}, {"started", ParseStarted}, {"host", ParseHost},
    {"exit", ParseExit},       {"tasks", ParseTasks},     {"runs", ParseRuns},
    {"containers", ParseContainers},  // trace/container.h
    {"sources", ParseSources},        // trace/log_source.h
    {"mapped", ParseMappedSection},   // trace/mapped.h
};

ArgValues ParseArgValues(const FieldReader& r, const json& v, const std::string& where) {
  if (!v.is_object()) r.Fail(where, "expected an object with \"values\"");
  ArgValues out;
  const json& values = r.Field(v, "values", where);
  if (!values.is_array()) r.Fail(where + ".values", "expected an array");
  for (size_t i = 0; i < values.size(); ++i)
    out.values.insert(r.Uint(values[i], where + ".values[" + std::to_string(i) + "]"));
  const json& overflow = r.Field(v, "overflow", where, false);
  if (!overflow.is_null()) {
    if (!overflow.is_boolean()) r.Fail(where + ".overflow", "expected true or false");
    out.overflow = overflow.get<bool>();
  }
  if (out.overflow) out.values.clear();
  if (out.values.size() > kMaxArgValues) {
    out.overflow = true;
    out.values.clear();
  }
  return out;
}

SyscallRecord ParseRecord(const FieldReader& r, const json& v, const std::string& where) {
  if (!v.is_object()) r.Fail(where, "expected an object");
  SyscallRecord rec;
  rec.arch = r.Arch(r.Field(v, "arch", where), where + ".arch");
  uint64_t nr = r.Uint(r.Field(v, "nr", where), where + ".nr");
  if (nr > 0x3fffffff) r.Fail(where + ".nr", "syscall number out of range: " + std::to_string(nr));
  rec.nr = static_cast<int64_t>(nr);
  const json& name = r.Field(v, "name", where, false);
  if (!name.is_null()) rec.name = r.String(name, where + ".name");
  // libseccomp on this machine is the source of truth; a name only the writer knew is kept.
  if (auto known = sys::NameOf(rec.arch, rec.nr)) {
    if (rec.name && *rec.name != *known) {
      r.Fail(where + ".name", "\"" + *rec.name + "\" does not match syscall " + std::to_string(rec.nr) + " on " +
                                  std::string(sys::ArchByToken(rec.arch)->scmp) + ", which is \"" + *known + "\"");
    }
    rec.name = *known;
  }
  rec.count = r.Uint(r.Field(v, "count", where), where + ".count");
  const json& first = r.Field(v, "first", where, false);
  if (!first.is_null()) {
    if (!first.is_object()) r.Fail(where + ".first", "expected an object");
    const json& pid = r.Field(first, "pid", where + ".first", false);
    if (!pid.is_null()) {
      uint64_t value = r.Uint(pid, where + ".first.pid");
      // Kept as int64_t: a larger value would be written back negative, and not read again.
      if (value > static_cast<uint64_t>(INT64_MAX)) {
        r.Fail(where + ".first.pid", "pid out of range: " + std::to_string(value));
      }
      rec.first.pid = static_cast<int64_t>(value);
    }
    const json& exe = r.Field(first, "exe", where + ".first", false);
    if (!exe.is_null()) rec.first.exe = r.String(exe, where + ".first.exe");
  }
  const json& args = r.Field(v, "args", where, false);
  if (!args.is_null()) {
    if (!args.is_object()) r.Fail(where + ".args", "expected an object");
    for (auto it = args.begin(); it != args.end(); ++it) {
      const std::string& key = it.key();
      if (key.size() != 1 || key[0] < '0' || key[0] > '5') {
        r.Fail(where + ".args", "argument index must be \"0\" to \"5\", got \"" + key + "\"");
      }
      rec.args[key[0] - '0'] = ParseArgValues(r, it.value(), where + ".args." + key);
    }
  }
  const json& runs = r.Field(v, "runs", where, false);
  if (!runs.is_null()) rec.runs = r.Uint(runs, where + ".runs");
  return rec;
}

}  // namespace

std::span<const TraceSection> TraceSections() { return kSections; }

Trace ParseTraceChecked(std::string_view text, const std::string& path) {
  json doc = ParseJson(text, path);
  FieldReader r(path);
  if (!doc.is_object()) r.Fail("(top level)", "expected a JSON object");
  auto kind = doc.find("profilegen");
  if (kind == doc.end() || !kind->is_string() || *kind != "trace") {
    if (doc.contains("defaultAction") || (doc.contains("syscalls") && !doc.contains("version"))) {
      r.Fail("(top level)", "this looks like a seccomp profile, not a trace (traces come from `profilegen record`)");
    }
    r.Fail("profilegen", "not a profilegen trace (expected \"profilegen\": \"trace\")");
  }
  const json& version = r.Field(doc, "version", "(top level)");
  uint64_t ver = r.Uint(version, "version");
  if (ver > static_cast<uint64_t>(kReachableSchemaVersion)) {
    r.Fail("version", "trace schema version " + std::to_string(ver) + " is newer than this profilegen understands (" +
                          std::to_string(kReachableSchemaVersion) + "); upgrade profilegen");
  }
  if (ver < 1) r.Fail("version", "unsupported trace schema version " + std::to_string(ver));

  Trace t;
  for (const TraceSection& section : kSections) {
    const json& value = r.Field(doc, section.key, "(top level)", false);
    if (!value.is_null()) section.parse(r, value, t);
  }

  const json& syscalls = r.Field(doc, "syscalls", "(top level)");
  if (!syscalls.is_array()) r.Fail("syscalls", "expected an array");
  for (size_t i = 0; i < syscalls.size(); ++i) {
    std::string where = "syscalls[" + std::to_string(i) + "]";
    SyscallRecord rec = ParseRecord(r, syscalls[i], where);
    SyscallKey key{rec.arch, rec.nr};
    auto [it, inserted] = t.syscalls.emplace(key, rec);
    if (!inserted)
      r.Fail(where,
             "duplicate entry for " + rec.DisplayName() + " on " + std::string(sys::ArchByToken(rec.arch)->scmp));
  }
  if (!t.host_arch) t.host_arch = t.syscalls.empty() ? sys::HostArch() : t.syscalls.begin()->first.first;
  // Schema v2 (trace/reachable.h). Not a TraceSection: in v1 a "reachable" key is unknown and ignored, and the
  // fast reader declines v2 traces, so they are read here.
  if (ver >= static_cast<uint64_t>(kReachableSchemaVersion)) {
    const json& reachable = r.Field(doc, "reachable", "(top level)", false);
    if (!reachable.is_null()) ParseReachableSection(r, reachable, t);
  }
  return t;
}

}  // namespace profilegen::trace

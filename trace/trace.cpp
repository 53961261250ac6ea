#include "trace/trace.h"

#include <algorithm>
#include <cstdint>
#include <unordered_map>

#include "base/atomic_file.h"
#include "base/error.h"
#include "base/json_io.h"

namespace profilegen::trace {

using nlohmann::json;
using nlohmann::ordered_json;

void ArgValues::Add(uint64_t v) {
  if (overflow) return;
  values.insert(v);
  if (values.size() > kMaxArgValues) {
    overflow = true;
    values.clear();
  }
}

void ArgValues::Merge(const ArgValues& other) {
  if (other.overflow) {
    overflow = true;
    values.clear();
    return;
  }
  for (uint64_t v : other.values) Add(v);
}

std::string SyscallRecord::DisplayName() const { return name ? *name : "#" + std::to_string(nr); }

std::vector<sys::ArchToken> Trace::Arches() const {
  std::vector<sys::ArchToken> out;
  if (host_arch) out.push_back(host_arch);
  for (const auto& [key, rec] : syscalls)
    if (std::find(out.begin(), out.end(), key.first) == out.end()) out.push_back(key.first);
  return out;
}

const std::vector<int>& CapturedArgs(std::string_view name) {
  static const std::unordered_map<std::string_view, std::vector<int>> table = {
      {"clone", {0}},       // flags: namespaces (CLONE_NEW*) are container-escape relevant
      {"unshare", {0}},     // flags
      {"setns", {1}},       // nstype
      {"socket", {0, 1}},   // domain, type
      {"socketpair", {0}},  // domain
      {"personality", {0}}, {"prctl", {0}},  // option
      {"ioctl", {1}},                        // request
  };
  static const std::vector<int> none;
  auto it = table.find(name);
  return it == table.end() ? none : it->second;
}

namespace {

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void Fail(const std::string& where, const std::string& what) const {
    throw Error(path_ + ": " + where + ": " + what);
  }

  const json& Field(const json& obj, const char* key, const std::string& where, bool required = true) const {
    static const json kNull;
    auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) Fail(where, std::string("missing \"") + key + "\"");
      return kNull;
    }
    return *it;
  }

  uint64_t Uint(const json& v, const std::string& where) const {
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0)) {
      Fail(where, "expected a non-negative integer, got " + v.dump());
    }
    return v.get<uint64_t>();
  }

  std::string String(const json& v, const std::string& where) const {
    if (!v.is_string()) Fail(where, "expected a string, got " + v.dump());
    return v.get<std::string>();
  }

  sys::ArchToken Arch(const json& v, const std::string& where) const {
    std::string s = String(v, where);
    auto a = sys::ArchByScmpName(s);
    if (!a) Fail(where, "unknown architecture \"" + s + "\"");
    return a->token;
  }

 private:
  std::string path_;
};

ArgValues ParseArgValues(const Reader& r, const json& v, const std::string& where) {
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

SyscallRecord ParseRecord(const Reader& r, const json& v, const std::string& where) {
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

ordered_json ArgValuesJson(const ArgValues& a) {
  ordered_json v;
  v["values"] = ordered_json::array();
  for (uint64_t x : a.values) v["values"].push_back(x);
  if (a.overflow) v["overflow"] = true;
  return v;
}

}  // namespace

Trace ParseTrace(const std::string& text, const std::string& path) {
  json doc = ParseJson(text, path);
  Reader r(path);
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
  if (ver > kSchemaVersion) {
    r.Fail("version", "trace schema version " + std::to_string(ver) + " is newer than this profilegen understands (" +
                          std::to_string(kSchemaVersion) + "); upgrade profilegen");
  }
  if (ver < 1) r.Fail("version", "unsupported trace schema version " + std::to_string(ver));

  Trace t;
  const json& command = r.Field(doc, "command", "(top level)", false);
  if (!command.is_null()) {
    if (!command.is_array()) r.Fail("command", "expected an array of strings");
    for (size_t i = 0; i < command.size(); ++i) t.command.push_back(r.String(command[i], "command[" + std::to_string(i) + "]"));
  }
  const json& started = r.Field(doc, "started", "(top level)", false);
  if (!started.is_null()) t.started = r.String(started, "started");
  const json& host = r.Field(doc, "host", "(top level)", false);
  if (!host.is_null()) {
    if (!host.is_object()) r.Fail("host", "expected an object");
    const json& kernel = r.Field(host, "kernel", "host", false);
    if (!kernel.is_null()) t.kernel = r.String(kernel, "host.kernel");
    const json& arch = r.Field(host, "arch", "host", false);
    if (!arch.is_null()) t.host_arch = r.Arch(arch, "host.arch");
  }
  const json& exit = r.Field(doc, "exit", "(top level)", false);
  if (!exit.is_null()) {
    if (!exit.is_object()) r.Fail("exit", "expected an object");
    const json& code = r.Field(exit, "code", "exit", false);
    if (!code.is_null()) t.exit.code = static_cast<int>(r.Uint(code, "exit.code") & 0xff);
    const json& sig = r.Field(exit, "signal", "exit", false);
    if (!sig.is_null()) t.exit.signal = r.String(sig, "exit.signal");
  }
  const json& tasks = r.Field(doc, "tasks", "(top level)", false);
  if (!tasks.is_null()) t.tasks = r.Uint(tasks, "tasks");
  const json& runs = r.Field(doc, "runs", "(top level)", false);
  if (!runs.is_null()) t.runs = r.Uint(runs, "runs");

  t.containers = ParseContainers(doc, path);
  const json& syscalls = r.Field(doc, "syscalls", "(top level)");
  if (!syscalls.is_array()) r.Fail("syscalls", "expected an array");
  for (size_t i = 0; i < syscalls.size(); ++i) {
    std::string where = "syscalls[" + std::to_string(i) + "]";
    SyscallRecord rec = ParseRecord(r, syscalls[i], where);
    SyscallKey key{rec.arch, rec.nr};
    auto [it, inserted] = t.syscalls.emplace(key, rec);
    if (!inserted) r.Fail(where, "duplicate entry for " + rec.DisplayName() + " on " + std::string(sys::ArchByToken(rec.arch)->scmp));
  }
  if (!t.host_arch) t.host_arch = t.syscalls.empty() ? sys::HostArch() : t.syscalls.begin()->first.first;
  return t;
}

Trace LoadTrace(const std::string& path) { return ParseTrace(ReadFile(path), path); }

std::string SerializeTrace(const Trace& t) {
  ordered_json doc;
  doc["profilegen"] = "trace";
  doc["version"] = kSchemaVersion;
  doc["command"] = t.command;
  doc["started"] = t.started;
  doc["host"] = {{"kernel", t.kernel}, {"arch", std::string(sys::ArchByToken(t.host_arch) ? sys::ArchByToken(t.host_arch)->scmp : "")}};
  ordered_json exit = ordered_json::object();
  if (t.exit.code) exit["code"] = *t.exit.code;
  if (t.exit.signal) exit["signal"] = *t.exit.signal;
  doc["exit"] = exit;
  doc["tasks"] = t.tasks;
  if (t.runs != 1) doc["runs"] = t.runs;
  for (const ContainerFacts& c : t.containers) doc["containers"].push_back(ContainerFactsJson(c));

  std::vector<const SyscallRecord*> recs;
  for (const auto& [key, rec] : t.syscalls) recs.push_back(&rec);
  std::sort(recs.begin(), recs.end(), [](const SyscallRecord* a, const SyscallRecord* b) {
    auto an = sys::ArchByToken(a->arch)->scmp, bn = sys::ArchByToken(b->arch)->scmp;
    if (an != bn) return an < bn;
    if (a->name.has_value() != b->name.has_value()) return a->name.has_value();
    if (a->name && *a->name != *b->name) return *a->name < *b->name;
    return a->nr < b->nr;
  });
  ordered_json list = ordered_json::array();
  for (const SyscallRecord* rec : recs) {
    ordered_json e;
    e["arch"] = std::string(sys::ArchByToken(rec->arch)->scmp);
    e["name"] = rec->name ? ordered_json(*rec->name) : ordered_json(nullptr);
    e["nr"] = rec->nr;
    e["count"] = rec->count;
    if (t.runs != 1 || rec->runs != 1) e["runs"] = rec->runs;
    e["first"] = {{"pid", rec->first.pid}, {"exe", rec->first.exe}};
    if (!rec->args.empty()) {
      ordered_json args;
      for (const auto& [idx, values] : rec->args) args[std::to_string(idx)] = ArgValuesJson(values);
      e["args"] = args;
    }
    list.push_back(std::move(e));
  }
  doc["syscalls"] = std::move(list);
  return DumpCanonical(doc);
}

void SaveTrace(const Trace& trace, const std::string& path, int exit_code) {
  WriteFileAtomically(path, SerializeTrace(trace), exit_code);
}

void Merge(Trace& into, const Trace& from) {
  for (const auto& [key, rec] : from.syscalls) {
    auto [it, inserted] = into.syscalls.emplace(key, rec);
    if (inserted) continue;
    SyscallRecord& dst = it->second;
    dst.count += rec.count;
    dst.runs += rec.runs;
    if (!dst.name && rec.name) dst.name = rec.name;
    // Provenance must not depend on the order of the inputs: keep the smallest (exe, pid).
    if (std::tie(rec.first.exe, rec.first.pid) < std::tie(dst.first.exe, dst.first.pid)) dst.first = rec.first;
    for (const auto& [idx, values] : rec.args) dst.args[idx].Merge(values);
  }
  MergeContainers(into.containers, from.containers);
  into.runs += from.runs;
  into.tasks += from.tasks;
}

Trace MergeAll(const std::vector<Trace>& traces) {
  Trace out;
  out.runs = 0;
  for (const Trace& t : traces) {
    if (!out.host_arch) out.host_arch = t.host_arch;
    if (out.kernel.empty()) out.kernel = t.kernel;
    Merge(out, t);
  }
  if (!out.host_arch) out.host_arch = sys::HostArch();
  return out;
}

}  // namespace profilegen::trace

#include "trace/read_fast.h"

#include <simdjson.h>

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "base/error.h"
#include "trace/read_checked.h"

namespace profilegen::trace {

namespace {

namespace dom = simdjson::dom;

// Thrown for anything this reader leaves to the checked one; never leaves this file.
struct Decline {};

// ParseJson (base/json_io.h) refuses nesting deeper than this; simdjson then refuses it too (same bound,
// checked by tests/trace/read_test.cpp), so a trace the checked reader refuses for depth is never read here.
constexpr size_t kMaxDepth = 256;

dom::parser& Parser() {
  thread_local dom::parser parser = [] {
    dom::parser p;
    if (p.allocate(size_t{1} << 16, kMaxDepth) != simdjson::SUCCESS) throw Decline{};
    return p;
  }();
  return parser;
}

uint64_t Uint(dom::element e) {
  uint64_t v;
  if (e.get_uint64().get(v) != simdjson::SUCCESS) throw Decline{};  // negative, fractional or not a number
  return v;
}

std::string_view String(dom::element e) {
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) throw Decline{};
  return s;
}

dom::object Object(dom::element e) {
  dom::object o;
  if (e.get_object().get(o) != simdjson::SUCCESS) throw Decline{};
  return o;
}

dom::array Array(dom::element e) {
  dom::array a;
  if (e.get_array().get(a) != simdjson::SUCCESS) throw Decline{};
  return a;
}

bool Bool(dom::element e) {
  bool b;
  if (e.get_bool().get(b) != simdjson::SUCCESS) throw Decline{};
  return b;
}

// The values of `keys` in `obj`, by position. Like the checked reader, a null value counts as absent; other
// keys are ignored. A key given twice is declined: nlohmann keeps the last, and this reader does not guess.
template <size_t N>
std::array<std::optional<dom::element>, N> Fields(dom::object obj, const std::array<std::string_view, N>& keys) {
  std::array<std::optional<dom::element>, N> out;
  std::array<bool, N> seen{};
  for (dom::key_value_pair field : obj) {
    for (size_t i = 0; i < N; ++i) {
      if (field.key != keys[i]) continue;
      if (seen[i]) throw Decline{};
      seen[i] = true;
      if (!field.value.is_null()) out[i] = field.value;
      break;
    }
  }
  return out;
}

// A value as the checked reader's DOM holds it, for the TraceSection parsers: nlohmann keeps every
// non-negative integer as unsigned, and the last of duplicate keys.
nlohmann::json ToJson(dom::element e) {
  switch (e.type()) {
    case dom::element_type::ARRAY: {
      nlohmann::json out = nlohmann::json::array();
      for (dom::element item : dom::array(e)) out.push_back(ToJson(item));
      return out;
    }
    case dom::element_type::OBJECT: {
      nlohmann::json out = nlohmann::json::object();
      for (dom::key_value_pair field : dom::object(e)) out[std::string(field.key)] = ToJson(field.value);
      return out;
    }
    case dom::element_type::INT64: {
      int64_t v = int64_t(e);
      return v >= 0 ? nlohmann::json(static_cast<uint64_t>(v)) : nlohmann::json(v);
    }
    case dom::element_type::UINT64:
      return nlohmann::json(uint64_t(e));
    case dom::element_type::DOUBLE:
      return nlohmann::json(double(e));
    case dom::element_type::STRING:
      return nlohmann::json(std::string(std::string_view(e)));
    case dom::element_type::BOOL:
      return nlohmann::json(bool(e));
    case dom::element_type::NULL_VALUE:
      return nlohmann::json(nullptr);
  }
  throw Decline{};
}

// sys::NameOf asks libseccomp, which searches its table and returns a copy: a tenth of the reading time for
// traces of many small entries. Remembered per thread, bounded against inputs full of made-up numbers.
const std::optional<std::string>& NameOf(sys::ArchToken arch, int64_t nr) {
  thread_local std::unordered_map<uint64_t, std::optional<std::string>> names;
  thread_local std::optional<std::string> uncached;
  const uint64_t key = (uint64_t{arch} << 32) | static_cast<uint64_t>(nr);  // nr < 2^30 here
  if (auto it = names.find(key); it != names.end()) return it->second;
  if (names.size() >= 4096) return uncached = sys::NameOf(arch, nr);
  return names.emplace(key, sys::NameOf(arch, nr)).first->second;
}

ArgValues ReadArgValues(dom::element e) {
  auto [values, overflow] = Fields<2>(Object(e), {"values", "overflow"});
  if (!values) throw Decline{};
  ArgValues out;
  for (dom::element v : Array(*values)) out.values.insert(Uint(v));
  if (overflow) out.overflow = Bool(*overflow);
  if (out.overflow) out.values.clear();
  if (out.values.size() > kMaxArgValues) {
    out.overflow = true;
    out.values.clear();
  }
  return out;
}

// ParseRecord in read_checked.cpp, without the messages.
SyscallRecord ReadRecord(dom::element e) {
  auto [arch, nr, name, count, first, args, runs] =
      Fields<7>(Object(e), {"arch", "nr", "name", "count", "first", "args", "runs"});
  if (!arch || !nr || !count) throw Decline{};
  SyscallRecord rec;
  auto info = sys::ArchByScmpName(String(*arch));
  if (!info) throw Decline{};
  rec.arch = info->token;
  uint64_t number = Uint(*nr);
  if (number > 0x3fffffff) throw Decline{};
  rec.nr = static_cast<int64_t>(number);
  if (const std::optional<std::string>& known = NameOf(rec.arch, rec.nr)) {
    if (name && String(*name) != *known) throw Decline{};
    rec.name = known;
  } else if (name) {
    rec.name = std::string(String(*name));
  }
  rec.count = Uint(*count);
  if (first) {
    auto [pid, exe] = Fields<2>(Object(*first), {"pid", "exe"});
    if (pid) {
      uint64_t value = Uint(*pid);
      if (value > static_cast<uint64_t>(INT64_MAX)) throw Decline{};
      rec.first.pid = static_cast<int64_t>(value);
    }
    if (exe) rec.first.exe = String(*exe);
  }
  if (args) {
    std::array<bool, 6> seen{};
    for (dom::key_value_pair field : Object(*args)) {
      if (field.key.size() != 1 || field.key[0] < '0' || field.key[0] > '5') throw Decline{};
      int index = field.key[0] - '0';
      if (seen[index]) throw Decline{};
      seen[index] = true;
      rec.args[index] = ReadArgValues(field.value);
    }
  }
  if (runs) rec.runs = Uint(*runs);
  return rec;
}

Trace Read(dom::element doc, const std::string& path) {
  std::optional<dom::element> kind, version, syscalls;
  std::span<const TraceSection> sections = TraceSections();
  std::vector<std::optional<dom::element>> section_values(sections.size());
  auto take = [](std::optional<dom::element>& slot, dom::element value) {
    if (slot) throw Decline{};  // a duplicate key
    slot = value;
  };
  for (dom::key_value_pair field : Object(doc)) {
    if (field.key == "profilegen") {
      take(kind, field.value);
    } else if (field.key == "version") {
      take(version, field.value);
    } else if (field.key == "syscalls") {
      take(syscalls, field.value);
    } else {
      for (size_t i = 0; i < sections.size(); ++i)
        if (field.key == sections[i].key) take(section_values[i], field.value);
    }
  }
  if (!kind || !kind->is_string() || String(*kind) != "trace") throw Decline{};
  if (!version) throw Decline{};
  uint64_t ver = Uint(*version);
  if (ver < 1 || ver > static_cast<uint64_t>(kSchemaVersion)) throw Decline{};

  Trace t;
  // The small sections go through the checked reader's own code; its Error becomes a Decline in ParseTraceFast.
  FieldReader r(path);
  for (size_t i = 0; i < sections.size(); ++i)
    if (section_values[i] && !section_values[i]->is_null()) sections[i].parse(r, ToJson(*section_values[i]), t);

  if (!syscalls) throw Decline{};
  for (dom::element item : Array(*syscalls)) {
    SyscallRecord rec = ReadRecord(item);
    SyscallKey key{rec.arch, rec.nr};
    if (!t.syscalls.emplace(key, std::move(rec)).second) throw Decline{};  // a duplicate entry
  }
  if (!t.host_arch) t.host_arch = t.syscalls.empty() ? sys::HostArch() : t.syscalls.begin()->first.first;
  return t;
}

}  // namespace

std::optional<Trace> ParseTraceFast(std::string_view text, const std::string& path) {
  try {
    dom::element doc;
    if (Parser().parse(text.data(), text.size(), true).get(doc) != simdjson::SUCCESS) return std::nullopt;
    return Read(doc, path);
  } catch (const Decline&) {
    return std::nullopt;
  } catch (const Error&) {  // from a TraceSection parser: the checked reader says it, in its order
    return std::nullopt;
  }
}

}  // namespace profilegen::trace

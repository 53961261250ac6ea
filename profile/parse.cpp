#include "profile/parse.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "base/atomic_file.h"
#include "base/error.h"
#include "base/json_io.h"
#include "profile/effective.h"
#include "syscalls/syscalls.h"

namespace profilegen::profile {

std::string Diagnostic::Format(const std::string& file) const {
  std::string s = file + ": ";
  if (!path.empty()) s += path + ": ";
  s += severity == Severity::kError ? "error: " : "warning: ";
  return s + message;
}

bool ParseResult::HasErrors() const {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

namespace {

// Real profiles are tens of KB; the bound keeps the tree of a hostile input small.
constexpr size_t kMaxProfileBytes = size_t{4} << 20;
constexpr int kMaxDepth = 256;
// Past this many, diagnostics are counted, not kept: a reviewer cannot read more, and memory stays bounded.
constexpr size_t kMaxDiagnostics = 2000;

// ---------------------------------------------------------------------------------------------------------------
// A JSON tree that keeps what nlohmann's DOM drops: repeated keys in document order, and the text of numbers
// that are not uint64 (so "1.0", "1e3" and 2^64 are reported as written, never rounded through a double).

struct JMember;

struct JPayload;

// 32 bytes: a hostile file of millions of small values must not cost gigabytes. The tree is immutable once
// built, so copies share their payload.
struct JVal {
  enum class Kind { kNull, kBool, kNegative, kUnsigned, kFloat, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  uint64_t u = 0;  // kUnsigned; kNegative: the int64 bits (nlohmann: a number with a minus sign, "-0" included)
  std::shared_ptr<JPayload> payload;  // strings, floats, containers

  int64_t Negative() const { return static_cast<int64_t>(u); }
  const std::string& text() const;  // kString; kFloat: the number as written
  const std::vector<JVal>& items() const;
  const std::vector<struct JMember>& members() const;
};

struct JMember {
  std::string key;
  JVal value;
};

struct JPayload {
  std::string text;
  std::vector<JVal> items;
  std::vector<JMember> members;
};

const JPayload& EmptyPayload() {
  static const JPayload empty;
  return empty;
}
const std::string& JVal::text() const { return (payload ? *payload : EmptyPayload()).text; }
const std::vector<JVal>& JVal::items() const { return (payload ? *payload : EmptyPayload()).items; }
const std::vector<JMember>& JVal::members() const { return (payload ? *payload : EmptyPayload()).members; }

JVal MakeVal(JVal::Kind kind, std::string text = {}) {
  JVal v{kind};
  if (kind >= JVal::Kind::kFloat) {
    v.payload = std::make_shared<JPayload>();
    v.payload->text = std::move(text);
  }
  return v;
}

class TreeBuilder : public nlohmann::json_sax<nlohmann::json> {
 public:
  JVal root;
  bool failed = false;
  size_t error_offset = 0;
  std::string error_detail;

  bool null() override { return Add(JVal{}); }
  bool boolean(bool) override { return Add(JVal{JVal::Kind::kBool}); }
  bool number_integer(number_integer_t v) override {
    JVal j{JVal::Kind::kNegative};
    j.u = static_cast<uint64_t>(v);
    return Add(std::move(j));
  }
  bool number_unsigned(number_unsigned_t v) override {
    JVal j{JVal::Kind::kUnsigned};
    j.u = v;
    return Add(std::move(j));
  }
  bool number_float(number_float_t, const string_t& s) override { return Add(MakeVal(JVal::Kind::kFloat, s)); }
  bool string(string_t& s) override { return Add(MakeVal(JVal::Kind::kString, std::move(s))); }
  bool binary(binary_t&) override { return false; }  // JSON text has no binary values
  bool start_object(std::size_t) override { return Open(JVal::Kind::kObject); }
  bool key(string_t& k) override {
    key_ = std::move(k);
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(JVal::Kind::kArray); }
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    failed = true;
    error_offset = position > 0 ? position - 1 : 0;
    // nlohmann: "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..."
    std::string what = ex.what();
    auto colon = what.find(": ", what.find("parse error"));
    std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    // The detail quotes input bytes; keep the message valid UTF-8 whatever they were.
    for (unsigned char c : detail) {
      if (c < 0x80) {
        error_detail += static_cast<char>(c);
      } else {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02X", c);
        error_detail += buf;
      }
    }
    return false;
  }

 private:
  bool Add(JVal v) {
    Place(std::move(v));
    return true;
  }
  JVal* Place(JVal v) {
    if (stack_.empty()) {
      root = std::move(v);
      return &root;
    }
    JVal* top = stack_.back();
    if (top->kind == JVal::Kind::kArray) {
      top->payload->items.push_back(std::move(v));
      return &top->payload->items.back();
    }
    top->payload->members.push_back(JMember{std::move(key_), std::move(v)});
    return &top->payload->members.back().value;
  }
  // Only ancestors are held by pointer, and only the innermost container grows, so the pointers stay valid.
  bool Open(JVal::Kind kind) {
    stack_.push_back(Place(MakeVal(kind)));
    return true;
  }
  bool Close() {
    stack_.pop_back();
    return true;
  }

  std::vector<JVal*> stack_;
  std::string key_;
};

// nlohmann's parser is iterative, but the tree and its walk are not: find over-deep nesting first.
std::optional<size_t> TooDeepAt(std::string_view text) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers for messages.

// A value quoted for a message: JSON-escaped and shortened, so a megabyte of junk stays one readable line.
std::string Quote(std::string_view s) {
  constexpr size_t kMax = 64;
  std::string cut(s.substr(0, kMax));
  if (s.size() > kMax) {
    while (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0xC0) == 0x80) cut.pop_back();
    if (!cut.empty() && static_cast<unsigned char>(cut.back()) >= 0xC0) cut.pop_back();
  }
  std::string q = nlohmann::json(cut).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (s.size() > kMax) q.insert(q.size() - 1, "...");
  return q;
}

// The same, unquoted: for numbers as written.
std::string Shown(std::string_view s) {
  std::string q = Quote(s);
  return q.substr(1, q.size() - 2);
}

std::string KindName(const JVal& v) {
  switch (v.kind) {
    case JVal::Kind::kNull: return "null";
    case JVal::Kind::kBool: return "a boolean";
    case JVal::Kind::kNegative:
    case JVal::Kind::kUnsigned:
    case JVal::Kind::kFloat: return "a number";
    case JVal::Kind::kString: return "a string";
    case JVal::Kind::kArray: return "a list";
    case JVal::Kind::kObject: return "an object";
  }
  return "a value";
}

std::string Hex(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Go's encoding/json matches keys ignoring case, with Unicode simple folding: besides ASCII, the Kelvin sign
// folds to 'k' and the long s to 's'.
std::string FoldKey(std::string_view k) {
  std::string out;
  for (size_t i = 0; i < k.size(); ++i) {
    if (k.compare(i, 3, "\xE2\x84\xAA") == 0) {
      out += 'k';
      i += 2;
    } else if (k.compare(i, 2, "\xC5\xBF") == 0) {
      out += 's';
      i += 1;
    } else {
      out += AsciiLower(k[i]);
    }
  }
  return out;
}

bool EqualIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return AsciiLower(x) == AsciiLower(y); });
}

// "did you mean" for a closed set: a case-insensitive match first, then the nearest by edit distance.
std::optional<std::string> SuggestFrom(std::string_view word, const std::vector<std::string>& candidates) {
  if (word.empty() || word.size() > 64) return std::nullopt;  // edit distance is quadratic
  for (const auto& c : candidates) {
    if (EqualIgnoringCase(word, c)) return c;
  }
  return sys::Suggest(word, candidates);
}

std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates) {
  auto s = SuggestFrom(word, candidates);
  return s ? " (did you mean " + *s + "?)" : "";
}

std::string Index(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

std::string Member(const std::string& path, std::string_view key) {
  // Keys are user text: keep a long one from swamping the path.
  std::string k(key.substr(0, 64));
  if (key.size() > 64) k += "...";
  return path.empty() ? k : path + "." + k;
}

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary.

const std::vector<std::string>& FlagNames() {
  static const std::vector<std::string> v{"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                          "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
  return v;
}

// SCMP_ARCH_* names of the format. The ones this machine's libseccomp lacks (newer arches) are still valid
// profile text: they matter only on such hosts.
const std::vector<std::string>& ScmpArchNames() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> names;
    for (const auto& a : sys::AllArches()) names.emplace_back(a.scmp);
    for (const char* extra : {"SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
                              "SCMP_ARCH_RISCV32", "SCMP_ARCH_NATIVE"}) {
      if (std::find(names.begin(), names.end(), extra) == names.end()) names.emplace_back(extra);
    }
    return names;
  }();
  return v;
}

// Native arch names as moby and podman compare them in includes/excludes (libseccomp's names, e.g. amd64, x86).
const std::vector<std::string>& NativeArchNames() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> names;
    for (const auto& a : sys::AllArches()) names.emplace_back(a.native);
    for (const char* extra : {"loong64", "loongarch64", "mipsel64", "mipsel", "mips3l64n32", "mipsel64n32", "m68k",
                              "sh", "sheb", "riscv32"}) {
      if (std::find(names.begin(), names.end(), extra) == names.end()) names.emplace_back(extra);
    }
    return names;
  }();
  return v;
}

const std::vector<std::string>& CapNames() {
  static const std::vector<std::string> v(AllCaps().begin(), AllCaps().end());
  return v;
}

// Every syscall name libseccomp knows, bucketed by length: a typo is at most 3 edits away, so only nearby
// lengths need the (quadratic) edit distance.
const std::vector<std::vector<std::string>>& SyscallNamesByLength() {
  static const std::vector<std::vector<std::string>> v = [] {
    std::set<std::string> all;
    for (const auto& a : sys::AllArches()) {
      const auto& names = sys::NamesOn(a.token);
      all.insert(names.begin(), names.end());
    }
    std::vector<std::vector<std::string>> by_length;
    for (const auto& n : all) {
      if (n.size() >= by_length.size()) by_length.resize(n.size() + 1);
      by_length[n.size()].push_back(n);
    }
    return by_length;
  }();
  return v;
}

std::optional<std::string> SuggestSyscall(const std::string& name) {
  if (name.empty() || name.size() > 64) return std::nullopt;
  const auto& buckets = SyscallNamesByLength();
  std::optional<std::string> best;
  size_t best_distance = 0;
  const size_t lo = name.size() > 3 ? name.size() - 3 : 0;
  for (size_t len = lo; len <= name.size() + 3 && len < buckets.size(); ++len) {
    auto s = sys::Suggest(name, buckets[len]);
    if (!s) continue;
    size_t d = sys::EditDistance(name, *s);
    if (!best || d < best_distance) {
      best = s;
      best_distance = d;
    }
  }
  return best;
}

// The verdict runc builds for an action (errno defaults to EPERM, truncated to 16 bits as libseccomp does).
Verdict DockerVerdict(Action a, std::optional<uint64_t> errno_ret) {
  Verdict v{a, 0};
  if (ActionTakesErrno(a)) v.errno_ret = errno_ret.value_or(EPERM) & 0xffff;
  return v;
}

// ---------------------------------------------------------------------------------------------------------------
// The parser: walks the tree once, filling the model and collecting every problem.

struct Field {
  std::string key;  // as written
  const JVal* value;
};
// canonical key -> its occurrences, in document order (Go: the last one wins)
using Fields = std::map<std::string, std::vector<Field>, std::less<>>;

class Parser {
 public:
  explicit Parser(ParseResult& out) : out_(out), p_(out.profile) {}

  void ParseDocument(const JVal& root) {
    if (root.kind == JVal::Kind::kNull) {
      // Go decodes `null` into an untouched struct: the same as {}.
      Warn("", "the profile is null: seccomp is switched OFF (Docker and podman run the container unconfined)");
      return;
    }
    if (root.kind != JVal::Kind::kObject) {
      Error("", "a profile must be a JSON object, got " + KindName(root));
      return;
    }
    static const std::vector<std::string> kKeys{"defaultAction", "defaultErrnoRet",  "defaultErrno",
                                                "architectures", "archMap",          "flags",
                                                "listenerPath",  "listenerMetadata", "syscalls"};
    Fields f = Collect(root, "", kKeys);
    ReadDefault(f);
    ReadArches(f);
    if (const Field* fl = Last(f, "flags")) ReadFlags(*fl);
    if (const Field* lp = Last(f, "listenerPath")) ReadString(*lp->value, lp->key, p_.listener_path);
    if (const Field* lm = Last(f, "listenerMetadata")) ReadString(*lm->value, lm->key, p_.listener_metadata);
    if (const Field* sc = Last(f, "syscalls")) ReadSyscalls(*sc);
    CheckDocument(f);
  }

  void Finish() {
    if (dropped_errors_ + dropped_warnings_ == 0) return;
    out_.diagnostics.push_back({dropped_errors_ ? Severity::kError : Severity::kWarning, "",
                                std::to_string(dropped_errors_ + dropped_warnings_) + " more problems not shown (" +
                                    std::to_string(dropped_errors_) + " errors, " + std::to_string(dropped_warnings_) +
                                    " warnings)"});
  }

  void Error(const std::string& path, std::string message) { Add(Severity::kError, path, std::move(message)); }
  void Warn(const std::string& path, std::string message) { Add(Severity::kWarning, path, std::move(message)); }

 private:
  bool Full() const { return out_.diagnostics.size() >= kMaxDiagnostics; }

  // "did you mean", unless the diagnostic will only be counted (then the edit distances are not worth it).
  std::string Hint(std::string_view word, const std::vector<std::string>& candidates) const {
    return Full() ? "" : DidYouMean(word, candidates);
  }

  void Add(Severity s, const std::string& path, std::string message) {
    has_error_ |= s == Severity::kError;
    if (Full()) {
      ++(s == Severity::kError ? dropped_errors_ : dropped_warnings_);
      return;
    }
    out_.diagnostics.push_back({s, path, std::move(message)});
  }

  // Matches an object's keys as Go does (exact, else ignoring case; unknown ones ignored, the last repeat wins)
  // and warns about everything Go does silently.
  Fields Collect(const JVal& obj, const std::string& path, const std::vector<std::string>& known) {
    Fields fields;
    for (const auto& [key, value] : obj.members()) {
      const std::string p = Member(path, key);
      auto canon = std::find(known.begin(), known.end(), key);
      if (canon == known.end()) {
        const std::string folded = FoldKey(key);
        canon = std::find_if(known.begin(), known.end(), [&](const std::string& k) { return FoldKey(k) == folded; });
      }
      if (canon == known.end()) {
        Warn(p, "unknown key " + Quote(key) + Hint(key, known) + ": the loaders ignore it");
        continue;
      }
      if (*canon != key) {
        Warn(p, "key " + Quote(key) + " is read as \"" + *canon + "\" (Go matches keys ignoring case); write it as \"" +
                    *canon + "\"");
      }
      auto& occurrences = fields[*canon];
      if (!occurrences.empty()) {
        Warn(p, "duplicate key \"" + *canon + "\": the loaders use the last one and ignore the earlier");
      }
      occurrences.push_back({key, &value});
    }
    return fields;
  }

  static const Field* Last(const Fields& f, std::string_view key) {
    auto it = f.find(key);
    return it == f.end() || it->second.empty() ? nullptr : &it->second.back();
  }

  // Go decodes a repeated object-valued key into the same struct: the members
  // add up, later ones winning. A null resets a pointer (moby's *Filter) but
  // leaves a struct value as it was (podman's Filter): `after_null` keeps only
  // the objects after the last null, as moby reads them.
  static JVal MergedObject(const Fields& f, std::string_view key, bool after_null = false) {
    JVal merged = MakeVal(JVal::Kind::kObject);
    auto it = f.find(key);
    if (it == f.end()) return merged;
    for (const auto& occ : it->second) {
      if (after_null && occ.value->kind == JVal::Kind::kNull) merged.payload->members.clear();
      if (occ.value->kind == JVal::Kind::kObject) {
        const auto& m = occ.value->members();
        merged.payload->members.insert(merged.payload->members.end(), m.begin(), m.end());
      }
    }
    return merged;
  }

  bool ExpectKind(const JVal& v, const std::string& path, JVal::Kind kind, const char* what) {
    if (v.kind == kind) return true;
    if (v.kind != JVal::Kind::kNull) Error(path, std::string("expected ") + what + ", got " + KindName(v));
    return false;
  }

  // null leaves the value as it was, as in Go.
  bool ReadString(const JVal& v, const std::string& path, std::string& out) {
    if (!ExpectKind(v, path, JVal::Kind::kString, "a string")) return false;
    out = v.text();
    return true;
  }

  void ReadStringList(const JVal& v, const std::string& path, std::vector<std::string>& out) {
    out.clear();
    if (!ExpectKind(v, path, JVal::Kind::kArray, "a list of strings")) return;
    for (size_t i = 0; i < v.items().size(); ++i) {
      std::string s;
      ReadString(v.items()[i], Index(path, i), s);  // a null element decodes to ""
      out.push_back(std::move(s));
    }
  }

  // A Go uint/uint64: digits only. Never read through a double.
  std::optional<uint64_t> ReadUint(const JVal& v, const std::string& path) {
    switch (v.kind) {
      case JVal::Kind::kNull: return std::nullopt;
      case JVal::Kind::kUnsigned: return v.u;
      case JVal::Kind::kNegative:
        Error(path, "expected an unsigned integer, got " +
                        (v.Negative() == 0 ? std::string("-0") : std::to_string(v.Negative())) +
                        " (the loaders fail on negative numbers)");
        return std::nullopt;
      case JVal::Kind::kFloat: {
        const std::string& t = v.text();
        if (!t.empty() && t[0] == '-') {
          Error(path, "expected an unsigned integer, got " + Shown(t) + " (the loaders fail on negative numbers)");
        } else if (std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; })) {
          Error(path, Shown(t) + " does not fit in 64 bits (the largest value is 18446744073709551615)");
        } else {
          Error(path,
                "expected an unsigned integer, got " + Shown(t) + " (the loaders fail on fractions and exponents)");
        }
        return std::nullopt;
      }
      default: Error(path, "expected an unsigned integer, got " + KindName(v)); return std::nullopt;
    }
  }

  std::optional<Action> ReadAction(const JVal& v, const std::string& path, bool* empty) {
    std::string s;
    if (!ReadString(v, path, s) || s.empty()) {
      *empty = v.kind == JVal::Kind::kNull || v.kind == JVal::Kind::kString;
      return std::nullopt;
    }
    *empty = false;
    auto a = ActionFromString(s);
    if (!a) Error(path, "unknown action " + Quote(s) + Hint(s, ActionNames()));
    return a;
  }

  std::optional<uint64_t> ReadErrnoString(const Field& f, const std::string& path, std::string& out) {
    if (!ReadString(*f.value, path, out) || out.empty()) return std::nullopt;
    auto e = ErrnoFromString(out);
    if (!e) Error(path, "unknown errno " + Quote(out) + Hint(out, ErrnoNames()) + ": podman fails on it");
    return e;
  }

  // -------------------------------------------------------------------------------------------------------------
  void ReadDefault(const Fields& f) {
    if (const Field* da = Last(f, "defaultAction")) {
      bool empty = false;
      p_.default_action = ReadAction(*da->value, da->key, &empty);
      default_path_ = da->key;
      if (p_.default_action == Action::kNotify) {
        Error(da->key,
              "SCMP_ACT_NOTIFY cannot be the default action: runc fails (its own writes would wait for the "
              "agent)");
      }
    }
    if (const Field* de = Last(f, "defaultErrnoRet")) {
      p_.default_errno_ret = ReadUint(*de->value, de->key);
      if (p_.default_errno_ret && p_.default_action) {
        if (!ActionTakesErrno(*p_.default_action)) {
          Warn(de->key, "defaultErrnoRet is ignored by " + std::string(ActionName(*p_.default_action)) +
                            " (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE use it)");
        } else {
          CheckErrnoValue(de->key, *p_.default_errno_ret, "defaultErrnoRet");
        }
      }
    }
    if (const Field* dn = Last(f, "defaultErrno")) {
      std::string s;
      auto e = ReadErrnoString(*dn, dn->key, s);
      if (!s.empty()) p_.podman_default_errno = s;
      uint64_t docker = p_.default_errno_ret.value_or(EPERM);
      if (e && *e != docker && p_.default_action && ActionTakesErrno(*p_.default_action)) {
        Warn(dn->key, "\"defaultErrno\" is read by podman only: podman returns " + ErrnoLabel(*e) +
                          " by default, Docker returns " + ErrnoLabel(docker) + " (defaultErrnoRet)");
      }
    }
    if (p_.default_action) default_verdict_ = DockerVerdict(*p_.default_action, p_.default_errno_ret);
  }

  void CheckErrnoValue(const std::string& path, uint64_t e, const char* key) {
    if (e == 0) {
      Warn(path, std::string(key) + " 0 makes the syscall return 0 (success) without running it");
    } else if (e > 4095) {
      Warn(path, std::string(key) + " " + std::to_string(e) + " is above 4095: runc truncates it to 16 bits (" +
                     std::to_string(e & 0xffff) + ") and the kernel caps errno values at 4095");
    }
  }

  // "x86_64" or "SCMP_ARCH_AMD64" mean SCMP_ARCH_X86_64: try the native spelling before edit distance.
  std::string ScmpArchSuggestion(const std::string& s) {
    std::string native = s.rfind("SCMP_ARCH_", 0) == 0 ? s.substr(10) : s;
    std::transform(native.begin(), native.end(), native.begin(), AsciiLower);
    if (auto info = sys::ArchByAnyName(native)) return " (did you mean " + std::string(info->scmp) + "?)";
    return Hint(s, ScmpArchNames());
  }

  void ReadArchName(const JVal& v, const std::string& path, std::vector<std::string>& out, bool error_if_unknown,
                    const char* unknown_consequence) {
    std::string s;
    ReadString(v, path, s);
    out.push_back(s);
    if (std::find(ScmpArchNames().begin(), ScmpArchNames().end(), s) == ScmpArchNames().end()) {
      std::string msg = "unknown architecture " + Quote(s) + ScmpArchSuggestion(s) + unknown_consequence;
      if (error_if_unknown)
        Error(path, msg);
      else
        Warn(path, msg);
    } else if (s == "SCMP_ARCH_NATIVE") {
      Warn(path, "SCMP_ARCH_NATIVE is understood by podman only: name the architecture (e.g. SCMP_ARCH_X86_64)");
    }
  }

  void ReadArches(const Fields& f) {
    const Field* ar = Last(f, "architectures");
    if (ar && ExpectKind(*ar->value, ar->key, JVal::Kind::kArray, "a list of strings")) {
      for (size_t i = 0; i < ar->value->items().size(); ++i) {
        ReadArchName(ar->value->items()[i], Index(ar->key, i), p_.architectures, true, ": runc fails on it");
      }
    }
    const Field* am = Last(f, "archMap");
    if (am && ExpectKind(*am->value, am->key, JVal::Kind::kArray, "a list")) {
      static const std::vector<std::string> kKeys{"architecture", "subArchitectures"};
      std::map<std::string, size_t> seen;
      for (size_t i = 0; i < am->value->items().size(); ++i) {
        const JVal& item = am->value->items()[i];
        const std::string path = Index(am->key, i);
        ArchMapEntry entry;
        if (ExpectKind(item, path, JVal::Kind::kObject, "an object")) {
          Fields ef = Collect(item, path, kKeys);
          if (const Field* a = Last(ef, "architecture")) {
            std::vector<std::string> one;
            ReadArchName(*a->value, Member(path, a->key), one, false, ": this entry never matches a host");
            entry.architecture = one.front();
            auto [it, fresh] = seen.emplace(entry.architecture, i);
            if (!fresh && !entry.architecture.empty()) {
              Warn(Member(path, a->key), "a second archMap entry for " + entry.architecture + " (first: " +
                                             Index(am->key, it->second) + "): the loaders use only the first");
            }
          }
          if (const Field* s = Last(ef, "subArchitectures")) {
            const std::string sp = Member(path, s->key);
            if (ExpectKind(*s->value, sp, JVal::Kind::kArray, "a list of strings")) {
              for (size_t j = 0; j < s->value->items().size(); ++j) {
                ReadArchName(s->value->items()[j], Index(sp, j), entry.sub_architectures, true,
                             ": runc fails on it on a host of this entry");
              }
            }
          }
        }
        p_.arch_map.push_back(std::move(entry));
      }
    }
    if (!p_.architectures.empty() && !p_.arch_map.empty()) {
      Error(ar->key, "\"architectures\" and \"archMap\" are both set: Docker and podman fail (use one of them)");
    }
  }

  void ReadFlags(const Field& fl) {
    if (fl.value->kind == JVal::Kind::kNull) return;  // nil: absent
    std::vector<std::string> flags;
    ReadStringList(*fl.value, fl.key, flags);
    if (fl.value->kind != JVal::Kind::kArray) return;
    for (size_t i = 0; i < flags.size(); ++i) {
      if (fl.value->items()[i].kind != JVal::Kind::kString) continue;  // already reported
      if (std::find(FlagNames().begin(), FlagNames().end(), flags[i]) == FlagNames().end()) {
        Error(Index(fl.key, i), "unknown flag " + Quote(flags[i]) + Hint(flags[i], FlagNames()) + ": runc fails on it");
      }
    }
    p_.flags = std::move(flags);
  }

  // -------------------------------------------------------------------------------------------------------------
  void ReadSyscalls(const Field& sc) {
    syscalls_path_ = sc.key;
    if (!ExpectKind(*sc.value, sc.key, JVal::Kind::kArray, "a list")) return;
    rule_count_ = sc.value->items().size();
    for (size_t i = 0; i < sc.value->items().size(); ++i) {
      const JVal& item = sc.value->items()[i];
      const std::string path = Index(sc.key, i);
      Rule rule;
      if (item.kind != JVal::Kind::kObject) {
        Error(path, "expected an object, got " + KindName(item));
      } else {
        ReadRule(item, path, i, rule);
      }
      // Past the diagnostics bound, with errors, the model means nothing: stop growing it (a hostile file of a
      // million entries must not cost a million rules).
      if (!(Full() && has_error_)) p_.syscalls.push_back(std::move(rule));
    }
  }

  void ReadRule(const JVal& obj, const std::string& path, size_t entry, Rule& rule) {
    static const std::vector<std::string> kKeys{"names", "name",    "action",   "errnoRet", "errno",
                                                "args",  "comment", "includes", "excludes"};
    Fields f = Collect(obj, path, kKeys);
    RuleInfo info;
    info.path = path;
    info.entry = entry;

    std::string names_path = Member(path, "names");
    if (const Field* n = Last(f, "names")) {
      names_path = Member(path, n->key);
      ReadStringList(*n->value, names_path, rule.names);
      info.names_ok = n->value->kind == JVal::Kind::kArray || n->value->kind == JVal::Kind::kNull;
    }
    std::string single;
    std::string name_path;
    if (const Field* n = Last(f, "name")) {
      name_path = Member(path, n->key);
      ReadString(*n->value, name_path, single);
    }
    if (!single.empty() && !rule.names.empty()) {
      Error(name_path, "\"name\" and \"names\" are both set: Docker and podman fail (use \"names\")");
    }

    bool action_empty = true;
    std::string action_path = path;
    if (const Field* a = Last(f, "action")) {
      action_path = Member(path, a->key);
      auto action = ReadAction(*a->value, action_path, &action_empty);
      if (action) {
        rule.action = *action;
        info.action_known = true;
      }
    }
    if (action_empty) Error(action_path, "missing \"action\": runc rejects an entry without one");

    std::string errno_path;
    if (const Field* e = Last(f, "errnoRet")) {
      errno_path = Member(path, e->key);
      rule.errno_ret = ReadUint(*e->value, errno_path);
      info.errno_ok = rule.errno_ret || e->value->kind == JVal::Kind::kNull;
      if (rule.errno_ret && info.action_known) {
        if (!ActionTakesErrno(rule.action)) {
          Warn(errno_path, "errnoRet is ignored by " + std::string(ActionName(rule.action)) +
                               " (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE use it)");
        } else {
          CheckErrnoValue(errno_path, *rule.errno_ret, "errnoRet");
        }
      }
    }
    if (const Field* e = Last(f, "errno")) {
      const std::string ep = Member(path, e->key);
      std::string s;
      auto value = ReadErrnoString(*e, ep, s);
      if (!s.empty()) rule.podman_errno = s;
      uint64_t docker = rule.errno_ret.value_or(EPERM);
      if (value && info.action_known) {
        if (!ActionTakesErrno(rule.action)) {
          Warn(ep, "errno is ignored by " + std::string(ActionName(rule.action)) +
                       " (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE use it)");
        } else if (*value != docker) {
          Warn(ep, "\"errno\" is read by podman only: podman returns " + ErrnoLabel(*value) + ", Docker returns " +
                       ErrnoLabel(docker) + (rule.errno_ret ? " (errnoRet)" : " (no errnoRet)"));
        }
      }
    }

    if (const Field* a = Last(f, "args")) ReadArgs(*a, Member(path, a->key), rule, info);
    if (const Field* c = Last(f, "comment")) ReadString(*c->value, Member(path, c->key), rule.comment);
    for (const char* key : {"includes", "excludes"}) {
      const Field* flt = Last(f, key);
      if (!flt) continue;
      const std::string fp = Member(path, flt->key);
      Filter& moby = key[0] == 'i' ? rule.includes : rule.excludes;
      std::optional<Filter>& podman = key[0] == 'i' ? rule.podman_includes : rule.podman_excludes;
      bool any_object = false;
      for (const auto& occ : f.find(key)->second) {
        const JVal& v = *occ.value;
        any_object |= v.kind == JVal::Kind::kObject;
        if (v.kind != JVal::Kind::kObject) ExpectKind(v, Member(path, occ.key), JVal::Kind::kObject, "an object");
      }
      if (!any_object) continue;
      if (flt->value->kind == JVal::Kind::kObject) ReadFilter(MergedObject(f, key, true), fp, moby);
      // podman's reading differs only when a null came after an object; read it
      // quietly (same members).
      Filter all;
      ReadFilterQuietly(MergedObject(f, key), fp, all);
      if (!(all == moby)) {
        podman = all;
        Warn(fp, std::string("\"") + key + "\" is repeated and a later one is null: Docker reads " +
                     (moby.empty() ? "no filter" : "only what follows the null") +
                     ", podman keeps the earlier members; write one \"" + key + "\"");
      }
    }

    if (!single.empty()) rule.names.push_back(single);
    CheckNames(rule, names_path, name_path, single, info);
  }

  // What the cross-entry checks need to know about one entry.
  struct RuleInfo {
    std::string path;
    size_t entry = 0;
    bool action_known = false;
    bool errno_ok = true;  // errnoRet, if present, was a valid number
    bool names_ok = true;  // names, if present, was a list
    bool args_ok = true;
    bool or_semantics = false;  // a repeated index: runc ORs the conditions
  };

  void ReadArgs(const Field& a, const std::string& path, Rule& rule, RuleInfo& info) {
    if (!ExpectKind(*a.value, path, JVal::Kind::kArray, "a list")) return;
    static const std::vector<std::string> kKeys{"index", "value", "valueTwo", "op"};
    std::map<uint32_t, int> per_index;
    for (size_t i = 0; i < a.value->items().size(); ++i) {
      const JVal& item = a.value->items()[i];
      const std::string ap = Index(path, i);
      ArgCondition c;
      bool ok = true;
      if (item.kind != JVal::Kind::kObject && item.kind != JVal::Kind::kNull) {
        Error(ap, "expected an object, got " + KindName(item));
        info.args_ok = false;
        rule.args.push_back(c);
        continue;
      }
      static const JVal kEmpty = MakeVal(JVal::Kind::kObject);
      Fields f = Collect(item.kind == JVal::Kind::kObject ? item : kEmpty, ap, kKeys);
      if (const Field* x = Last(f, "index")) {
        auto v = ReadUint(*x->value, Member(ap, x->key));
        if (v && *v > 5) {
          Error(Member(ap, x->key), "argument index " + std::to_string(*v) +
                                        " is out of range: syscalls have "
                                        "arguments 0 to 5 (libseccomp fails with EINVAL)");
          ok = false;
        }
        c.index = static_cast<uint32_t>(std::min<uint64_t>(v.value_or(0), UINT32_MAX));
        if (!v && x->value->kind != JVal::Kind::kNull) ok = false;
      }
      std::string value_path, value_two_path;
      bool has_value_two = false;
      if (const Field* x = Last(f, "value")) {
        value_path = Member(ap, x->key);
        auto v = ReadUint(*x->value, value_path);
        if (!v && x->value->kind != JVal::Kind::kNull) ok = false;
        c.value = v.value_or(0);
      }
      if (const Field* x = Last(f, "valueTwo")) {
        value_two_path = Member(ap, x->key);
        auto v = ReadUint(*x->value, value_two_path);
        if (!v && x->value->kind != JVal::Kind::kNull) ok = false;
        c.value_two = v.value_or(0);
        has_value_two = true;
      }
      std::string op_path = ap;
      std::string op;
      if (const Field* x = Last(f, "op")) {
        op_path = Member(ap, x->key);
        ReadString(*x->value, op_path, op);
      }
      if (op.empty()) {
        if (!Last(f, "op") || Last(f, "op")->value->kind == JVal::Kind::kString ||
            Last(f, "op")->value->kind == JVal::Kind::kNull) {
          Error(op_path, "missing \"op\": runc rejects a condition without an operator");
        }
        ok = false;
      } else if (auto o = OpFromString(op)) {
        c.op = *o;
      } else {
        Error(op_path, "unknown operator " + Quote(op) + Hint(op, OpNames()));
        ok = false;
      }
      if (ok && c.op != Op::kMaskedEq && c.value_two != 0 && has_value_two) {
        Warn(value_two_path,
             "valueTwo is ignored by " + std::string(OpName(c.op)) + " (only SCMP_CMP_MASKED_EQ uses it)");
      }
      if (ok && c.op == Op::kMaskedEq && (c.value_two & ~c.value) != 0) {
        Warn(ap, "SCMP_CMP_MASKED_EQ can never match: valueTwo " + Hex(c.value_two) + " has bits outside the mask " +
                     Hex(c.value));
      }
      if (!ok) info.args_ok = false;
      ++per_index[c.index];
      rule.args.push_back(c);
    }
    for (const auto& [index, count] : per_index) {
      if (count > 1) {
        info.or_semantics = true;
        Warn(path, "argument index " + std::to_string(index) + " appears " + std::to_string(count) +
                       " times: runc then adds each of the " + std::to_string(rule.args.size()) +
                       " conditions as its own rule, so they are ORed (any one matching applies the action), "
                       "not ANDed");
        break;
      }
    }
  }

  // The same reading with its diagnostics dropped: for the second reading of
  // the same members.
  void ReadFilterQuietly(const JVal& obj, const std::string& path, Filter& filter) {
    const size_t n = out_.diagnostics.size();
    const bool had_error = has_error_;
    const size_t dropped_e = dropped_errors_, dropped_w = dropped_warnings_;
    ReadFilter(obj, path, filter);
    out_.diagnostics.resize(n);
    has_error_ = had_error;
    dropped_errors_ = dropped_e;
    dropped_warnings_ = dropped_w;
  }

  void ReadFilter(const JVal& obj, const std::string& path, Filter& filter) {
    static const std::vector<std::string> kKeys{"caps", "arches", "minKernel"};
    Fields f = Collect(obj, path, kKeys);
    if (const Field* c = Last(f, "caps")) {
      const std::string cp = Member(path, c->key);
      ReadStringList(*c->value, cp, filter.caps);
      for (size_t i = 0; i < filter.caps.size(); ++i) {
        const std::string& cap = filter.caps[i];
        if (AllCaps().count(cap)) continue;
        std::optional<std::string> s;
        if (!Full()) s = SuggestFrom(cap, CapNames());
        if (!s && !Full()) s = SuggestFrom("CAP_" + cap, CapNames());
        Warn(Index(cp, i), "unknown capability " + Quote(cap) + (s ? " (did you mean " + *s + "?)" : "") +
                               ": the loaders compare exact names, so it never matches");
      }
    }
    if (const Field* a = Last(f, "arches")) {
      const std::string ap = Member(path, a->key);
      ReadStringList(*a->value, ap, filter.arches);
      for (size_t i = 0; i < filter.arches.size(); ++i) {
        const std::string& arch = filter.arches[i];
        if (std::find(NativeArchNames().begin(), NativeArchNames().end(), arch) != NativeArchNames().end()) continue;
        std::string hint;
        if (auto info = sys::ArchByAnyName(arch))
          hint = " (did you mean " + std::string(info->native) + "?)";
        else
          hint = Hint(arch, NativeArchNames());
        Warn(Index(ap, i), "unknown architecture " + Quote(arch) + hint +
                               ": filters use native names (amd64, arm64, x86, ...), so it never matches");
      }
    }
    if (const Field* k = Last(f, "minKernel")) {
      const std::string kp = Member(path, k->key);
      if (k->value->kind != JVal::Kind::kNull) {
        if (k->value->kind != JVal::Kind::kString) {
          Error(kp, "expected a string \"X.Y\", got " + KindName(*k->value) + " (Docker fails)");
        } else {
          filter.min_kernel = k->value->text();
          CheckMinKernel(kp, filter.min_kernel);
        }
      }
    }
  }

  void CheckMinKernel(const std::string& path, const std::string& v) {
    if (v.empty()) return;  // "" means none
    auto dot = v.find('.');
    auto part_ok = [](std::string_view s, int& out) {
      if (s.empty() || s.size() > 3 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return false;
      out = std::stoi(std::string(s));
      return out <= 255;
    };
    int major = 0, minor = 0;
    bool ok = dot != std::string::npos && part_ok(std::string_view(v).substr(0, dot), major) &&
              part_ok(std::string_view(v).substr(dot + 1), minor);
    if (!ok) {
      Error(path, "invalid minKernel " + Quote(v) + ": expected \"X.Y\" with X and Y from 0 to 255 (Docker fails)");
    } else if (major == 0 && minor == 0) {
      Error(path, "invalid minKernel \"0.0\": Docker rejects kernel version 0.0");
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Per-name checks, and the libseccomp merge rules for entries that apply on every target.

  void CheckNames(const Rule& rule, const std::string& names_path, const std::string& name_path,
                  const std::string& single, const RuleInfo& info) {
    const size_t entry = info.entry;
    if (rule.names.empty() && single.empty() && info.names_ok) {
      Warn(info.path, "this entry names no syscall: it has no effect");
    }
    if (info.action_known && rule.action == Action::kNotify && notify_path_.empty()) {
      notify_path_ = Member(info.path, "action");
    }

    const bool always = rule.includes.empty() && rule.excludes.empty();
    std::optional<Verdict> verdict;
    if (info.action_known && info.errno_ok) verdict = DockerVerdict(rule.action, rule.errno_ret);
    const bool skipped = verdict && default_verdict_ && *verdict == *default_verdict_;
    if (skipped) {
      Warn(info.path, "action equals the default action (" + verdict->ToString() + "): runc skips this entry");
    }
    const bool conditional = !rule.args.empty();

    std::set<std::string> in_entry;
    for (size_t j = 0; j < rule.names.size(); ++j) {
      const std::string& name = rule.names[j];
      const bool from_single = !single.empty() && j + 1 == rule.names.size();
      const std::string np = from_single ? name_path : Index(names_path, j);
      if (name.empty()) {
        Error(np, "empty syscall name: runc fails on it");
        continue;
      }
      if (!KnownName(name)) {
        Warn(np, "unknown syscall " + Quote(name) + SyscallSuggestion(name) +
                     ": the libseccomp on this machine knows it on no architecture, so runc skips it");
        continue;
      }
      if (info.action_known && rule.action == Action::kNotify && name == "write") {
        Error(np,
              "SCMP_ACT_NOTIFY cannot be used for the write syscall: runc fails (it writes the notify fd "
              "to its parent)");
      }
      if (!in_entry.insert(name).second) {
        Warn(np, Quote(name) + " is listed twice in this entry");
        continue;
      }
      if (!verdict || skipped || !info.args_ok) continue;

      auto first = unconditional_.find(name);
      if (first != unconditional_.end()) {
        const std::string where = Index(syscalls_path_, first->second.entry);
        if (!conditional && first->second.verdict == *verdict) {
          Warn(np,
               Quote(name) + " already has the same unconditional rule in " + where + ": this repeat has no effect");
        } else {
          Warn(np, Quote(name) + " already has an unconditional rule in " + where + " (" +
                       first->second.verdict.ToString() + "): libseccomp silently drops this later rule");
        }
        continue;
      }
      if (!always) continue;
      if (!conditional) {
        unconditional_.emplace(name, Seen{entry, *verdict});
        continue;
      }
      // The rules runc adds: one ANDed rule, or one per condition when an index repeats.
      std::vector<std::vector<ArgCondition>> added;
      if (info.or_semantics) {
        for (const auto& c : rule.args) added.push_back({c});
      } else {
        added.push_back(rule.args);
        std::sort(added.back().begin(), added.back().end());
      }
      for (auto& conds : added) {
        auto [it, fresh] = conditional_.emplace(std::pair{name, conds}, Seen{entry, *verdict});
        if (!fresh && it->second.verdict != *verdict) {
          Error(np, Quote(name) + " has the same conditions as " + Index(syscalls_path_, it->second.entry) +
                        " with a different action (" + it->second.verdict.ToString() + " there, " +
                        verdict->ToString() + " here): libseccomp fails with EEXIST and runc cannot load the profile");
          break;
        }
      }
    }
  }

  bool KnownName(const std::string& name) {
    auto it = known_cache_.find(name);
    if (it != known_cache_.end()) return it->second;
    bool known = sys::IsKnownName(name);
    known_cache_.emplace(name, known);
    return known;
  }

  std::string SyscallSuggestion(const std::string& name) {
    if (Full()) return "";  // the warning will only be counted: spare the edit distances
    if (auto s = SuggestSyscall(name)) return " (did you mean " + *s + "?)";
    return "";
  }

  // -------------------------------------------------------------------------------------------------------------
  void CheckDocument(const Fields& f) {
    const bool has_rules = rule_count_ > 0;
    if (!p_.default_action) {
      const Field* da = Last(f, "defaultAction");
      const bool invalid = da && da->value->kind == JVal::Kind::kString && !da->value->text().empty();
      const bool wrong_type = da && da->value->kind != JVal::Kind::kString && da->value->kind != JVal::Kind::kNull;
      if (has_rules && !invalid && !wrong_type) {
        Error(da ? da->key : "",
              "missing \"defaultAction\": runc rejects a profile with rules but no default "
              "action");
      } else if (!has_rules && !invalid && !wrong_type) {
        Warn("",
             "seccomp is switched OFF: with no defaultAction and no syscalls, Docker and podman run the "
             "container unconfined");
      }
      return;
    }
    if (*p_.default_action == Action::kAllow) {
      Warn(default_path_,
           "defaultAction SCMP_ACT_ALLOW allows every syscall no rule names: this profile is a "
           "denylist, not least privilege");
    } else if (*p_.default_action == Action::kLog) {
      Warn(default_path_,
           "defaultAction SCMP_ACT_LOG allows (and logs) every syscall no rule names: this profile "
           "enforces nothing by default");
    } else if (!has_rules) {
      Warn(default_path_, "no rules: every syscall gets " + default_verdict_->ToString() +
                              ", so no program can start under this profile");
    }
    if (!notify_path_.empty() && p_.listener_path.empty()) {
      Error(notify_path_,
            "SCMP_ACT_NOTIFY needs \"listenerPath\" (the seccomp agent's socket): runc fails "
            "without it");
    }
  }

  struct Seen {
    size_t entry;
    Verdict verdict;
  };

  ParseResult& out_;
  Profile& p_;
  std::optional<Verdict> default_verdict_;
  std::string default_path_ = "defaultAction";
  std::string syscalls_path_ = "syscalls";
  std::string notify_path_;  // the first SCMP_ACT_NOTIFY entry
  std::map<std::string, Seen> unconditional_;
  std::map<std::pair<std::string, std::vector<ArgCondition>>, Seen> conditional_;
  std::unordered_map<std::string, bool> known_cache_;
  size_t dropped_errors_ = 0, dropped_warnings_ = 0;
  bool has_error_ = false;
  size_t rule_count_ = 0;  // entries in "syscalls", kept in the model or not
};

}  // namespace

ParseResult ParseProfile(const std::string& text) {
  ParseResult result;
  Parser parser(result);
  try {
    if (text.size() > kMaxProfileBytes) {
      parser.Error("", "the profile is " + std::to_string(text.size()) + " bytes; profilegen reads at most " +
                           std::to_string(kMaxProfileBytes) + " (real profiles are a few tens of KB)");
      return result;
    }
    if (auto at = TooDeepAt(text)) {
      auto [line, col] = LineColumn(text, *at);
      parser.Error("", "malformed JSON at line " + std::to_string(line) + ", column " + std::to_string(col) +
                           ": nested deeper than " + std::to_string(kMaxDepth) + " levels");
      return result;
    }
    TreeBuilder tree;
    nlohmann::json::sax_parse(text.begin(), text.end(), &tree);
    if (tree.failed) {
      auto [line, col] = LineColumn(text, tree.error_offset);
      parser.Error("", "malformed JSON at line " + std::to_string(line) + ", column " + std::to_string(col) + ": " +
                           tree.error_detail);
      return result;
    }
    parser.ParseDocument(tree.root);
  } catch (const std::exception& e) {
    // Not expected: every input is meant to end in diagnostics. Report rather than crash.
    parser.Error("", std::string("internal error while reading the profile: ") + e.what());
  }
  parser.Finish();
  return result;
}

ParseResult LoadProfile(const std::string& path) { return ParseProfile(ReadFile(path)); }

Profile LoadProfileOrThrow(const std::string& path) {
  ParseResult r = LoadProfile(path);
  std::string message;
  for (const auto& d : r.diagnostics) {
    if (d.severity != Severity::kError) continue;
    if (!message.empty()) message += "\n";
    message += d.Format(path);
  }
  if (!message.empty()) throw Error(message);
  return r.profile;
}

}  // namespace profilegen::profile

#include "profile/lint.h"

#include <algorithm>
#include <cerrno>
#include <set>

#include "base/hex.h"
#include "syscalls/syscalls.h"

namespace profilegen::profile::parsing {

namespace {

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

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// The top level.

void Lint::NullDocument() {
  // Go decodes `null` into an untouched struct: the same as {}.
  log_.Warn("", "the profile is null: seccomp is switched OFF (Docker and podman run the container unconfined)");
}

void Lint::DefaultAction(const std::string& path, const Profile& p) {
  default_path_ = path;
  if (p.default_action == Action::kNotify) {
    log_.Error(path,
               "SCMP_ACT_NOTIFY cannot be the default action: runc fails (its own writes would wait for the "
               "agent)");
  }
}

void Lint::DefaultErrnoRet(const std::string& path, const Profile& p) {
  if (!p.default_errno_ret || !p.default_action) return;
  if (!ActionTakesErrno(*p.default_action)) {
    log_.Warn(path, "defaultErrnoRet is ignored by " + std::string(ActionName(*p.default_action)) +
                        " (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE use it)");
  } else {
    CheckErrnoValue(path, *p.default_errno_ret, "defaultErrnoRet");
  }
}

std::optional<uint64_t> Lint::ErrnoByName(const std::string& path, const std::string& name) {
  if (name.empty()) return std::nullopt;
  auto e = ErrnoFromString(name);
  if (!e) log_.Error(path, "unknown errno " + Quote(name) + log_.Hint(name, ErrnoNames()) + ": podman fails on it");
  return e;
}

void Lint::DefaultErrno(const std::string& path, const std::string& name, const Profile& p) {
  auto e = ErrnoByName(path, name);
  uint64_t docker = p.default_errno_ret.value_or(EPERM);
  if (e && *e != docker && p.default_action && ActionTakesErrno(*p.default_action)) {
    log_.Warn(path, "\"defaultErrno\" is read by podman only: podman returns " + ErrnoLabel(*e) +
                        " by default, Docker returns " + ErrnoLabel(docker) + " (defaultErrnoRet)");
  }
}

void Lint::DefaultsRead(const Profile& p) {
  if (p.default_action) default_verdict_ = DockerVerdict(*p.default_action, p.default_errno_ret);
}

void Lint::CheckErrnoValue(const std::string& path, uint64_t e, const char* key) {
  if (e == 0) {
    log_.Warn(path, std::string(key) + " 0 makes the syscall return 0 (success) without running it");
  } else if (e > 4095) {
    log_.Warn(path, std::string(key) + " " + std::to_string(e) + " is above 4095: runc truncates it to 16 bits (" +
                        std::to_string(e & 0xffff) + ") and the kernel caps errno values at 4095");
  }
}

// "x86_64" or "SCMP_ARCH_AMD64" mean SCMP_ARCH_X86_64: try the native spelling before edit distance.
std::string Lint::ScmpArchSuggestion(const std::string& s) {
  std::string native = s.rfind("SCMP_ARCH_", 0) == 0 ? s.substr(10) : s;
  std::transform(native.begin(), native.end(), native.begin(), AsciiLower);
  if (auto info = sys::ArchByAnyName(native)) return " (did you mean " + std::string(info->scmp) + "?)";
  return log_.Hint(s, ScmpArchNames());
}

void Lint::ArchName(const std::string& path, const std::string& s, bool error_if_unknown,
                    const char* unknown_consequence) {
  if (std::find(ScmpArchNames().begin(), ScmpArchNames().end(), s) == ScmpArchNames().end()) {
    std::string msg = "unknown architecture " + Quote(s) + ScmpArchSuggestion(s) + unknown_consequence;
    if (error_if_unknown)
      log_.Error(path, msg);
    else
      log_.Warn(path, msg);
  } else if (s == "SCMP_ARCH_NATIVE") {
    log_.Warn(path, "SCMP_ARCH_NATIVE is understood by podman only: name the architecture (e.g. SCMP_ARCH_X86_64)");
  }
}

void Lint::ArchMapArchitecture(const std::string& path, const std::string& archmap_key, size_t i,
                               const std::string& arch) {
  auto [it, fresh] = archmap_seen_.emplace(arch, i);
  if (!fresh && !arch.empty()) {
    log_.Warn(path, "a second archMap entry for " + arch + " (first: " + Index(archmap_key, it->second) +
                        "): the loaders use only the first");
  }
}

void Lint::Architectures(const std::string& architectures_key, const Profile& p) {
  if (!p.architectures.empty() && !p.arch_map.empty()) {
    log_.Error(architectures_key,
               "\"architectures\" and \"archMap\" are both set: Docker and podman fail (use one of them)");
  }
}

void Lint::Flag(const std::string& path, const std::string& flag) {
  if (std::find(FlagNames().begin(), FlagNames().end(), flag) == FlagNames().end()) {
    log_.Error(path, "unknown flag " + Quote(flag) + log_.Hint(flag, FlagNames()) + ": runc fails on it");
  }
}

// ---------------------------------------------------------------------------------------------------------------
// One syscalls entry.

void Lint::NameAndNames(const std::string& name_path, const std::string& single, const Rule& rule) {
  if (!single.empty() && !rule.names.empty()) {
    log_.Error(name_path, "\"name\" and \"names\" are both set: Docker and podman fail (use \"names\")");
  }
}

void Lint::MissingAction(const std::string& path) {
  log_.Error(path, "missing \"action\": runc rejects an entry without one");
}

void Lint::RuleErrnoRet(const std::string& path, const Rule& rule, const RuleInfo& info) {
  if (!rule.errno_ret || !info.action_known) return;
  if (!ActionTakesErrno(rule.action)) {
    log_.Warn(path, "errnoRet is ignored by " + std::string(ActionName(rule.action)) +
                        " (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE use it)");
  } else {
    CheckErrnoValue(path, *rule.errno_ret, "errnoRet");
  }
}

void Lint::RuleErrno(const std::string& path, const std::string& name, const Rule& rule, const RuleInfo& info) {
  auto value = ErrnoByName(path, name);
  uint64_t docker = rule.errno_ret.value_or(EPERM);
  if (!value || !info.action_known) return;
  if (!ActionTakesErrno(rule.action)) {
    log_.Warn(path, "errno is ignored by " + std::string(ActionName(rule.action)) +
                        " (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE use it)");
  } else if (*value != docker) {
    log_.Warn(path, "\"errno\" is read by podman only: podman returns " + ErrnoLabel(*value) + ", Docker returns " +
                        ErrnoLabel(docker) + (rule.errno_ret ? " (errnoRet)" : " (no errnoRet)"));
  }
}

bool Lint::ArgIndex(const std::string& path, uint64_t index) {
  if (index <= 5) return true;
  log_.Error(path, "argument index " + std::to_string(index) +
                       " is out of range: syscalls have "
                       "arguments 0 to 5 (libseccomp fails with EINVAL)");
  return false;
}

void Lint::MissingOp(const std::string& path) {
  log_.Error(path, "missing \"op\": runc rejects a condition without an operator");
}

void Lint::Condition(const std::string& path, const std::string& value_two_path, bool has_value_two,
                     const ArgCondition& c) {
  if (c.op != Op::kMaskedEq && c.value_two != 0 && has_value_two) {
    log_.Warn(value_two_path,
              "valueTwo is ignored by " + std::string(OpName(c.op)) + " (only SCMP_CMP_MASKED_EQ uses it)");
  }
  if (c.op == Op::kMaskedEq && (c.value_two & ~c.value) != 0) {
    log_.Warn(path, "SCMP_CMP_MASKED_EQ can never match: valueTwo " + Hex(c.value_two) +
                        " has bits outside the mask " + Hex(c.value));
  }
}

void Lint::RepeatedIndexes(const std::string& path, const std::map<uint32_t, int>& per_index, const Rule& rule,
                           RuleInfo& info) {
  for (const auto& [index, count] : per_index) {
    if (count > 1) {
      info.or_semantics = true;
      log_.Warn(path, "argument index " + std::to_string(index) + " appears " + std::to_string(count) +
                          " times: runc then adds each of the " + std::to_string(rule.args.size()) +
                          " conditions as its own rule, so they are ORed (any one matching applies the action), "
                          "not ANDed");
      break;
    }
  }
}

void Lint::Capability(const std::string& path, const std::string& cap) {
  if (AllCaps().count(cap)) return;
  std::optional<std::string> s;
  if (!log_.Full()) s = SuggestFrom(cap, CapNames());
  if (!s && !log_.Full()) s = SuggestFrom("CAP_" + cap, CapNames());
  log_.Warn(path, "unknown capability " + Quote(cap) + (s ? " (did you mean " + *s + "?)" : "") +
                      ": the loaders compare exact names, so it never matches");
}

void Lint::FilterArch(const std::string& path, const std::string& arch) {
  if (std::find(NativeArchNames().begin(), NativeArchNames().end(), arch) != NativeArchNames().end()) return;
  std::string hint;
  if (auto info = sys::ArchByAnyName(arch))
    hint = " (did you mean " + std::string(info->native) + "?)";
  else
    hint = log_.Hint(arch, NativeArchNames());
  log_.Warn(path, "unknown architecture " + Quote(arch) + hint +
                      ": filters use native names (amd64, arm64, x86, ...), so it never matches");
}

void Lint::MinKernel(const std::string& path, const std::string& v) {
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
    log_.Error(path, "invalid minKernel " + Quote(v) + ": expected \"X.Y\" with X and Y from 0 to 255 (Docker fails)");
  } else if (major == 0 && minor == 0) {
    log_.Error(path, "invalid minKernel \"0.0\": Docker rejects kernel version 0.0");
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Per-name checks, and the libseccomp merge rules for entries that apply on every target.

void Lint::Names(const Rule& rule, const std::string& names_path, const std::string& name_path,
                 const std::string& single, const RuleInfo& info) {
  const size_t entry = info.entry;
  if (rule.names.empty() && single.empty() && info.names_ok) {
    log_.Warn(info.path, "this entry names no syscall: it has no effect");
  }
  if (info.action_known && rule.action == Action::kNotify && notify_path_.empty()) {
    notify_path_ = Member(info.path, "action");
  }

  const bool always = rule.includes.empty() && rule.excludes.empty();
  std::optional<Verdict> verdict;
  if (info.action_known && info.errno_ok) verdict = DockerVerdict(rule.action, rule.errno_ret);
  const bool skipped = verdict && default_verdict_ && *verdict == *default_verdict_;
  if (skipped) {
    log_.Warn(info.path, "action equals the default action (" + verdict->ToString() + "): runc skips this entry");
  }
  const bool conditional = !rule.args.empty();

  std::set<std::string> in_entry;
  for (size_t j = 0; j < rule.names.size(); ++j) {
    const std::string& name = rule.names[j];
    const bool from_single = !single.empty() && j + 1 == rule.names.size();
    const std::string np = from_single ? name_path : Index(names_path, j);
    if (name.empty()) {
      log_.Error(np, "empty syscall name: runc fails on it");
      continue;
    }
    if (!KnownName(name)) {
      log_.Warn(np, "unknown syscall " + Quote(name) + SyscallSuggestion(name) +
                        ": the libseccomp on this machine knows it on no architecture, so runc skips it");
      continue;
    }
    if (info.action_known && rule.action == Action::kNotify && name == "write") {
      log_.Error(np,
                 "SCMP_ACT_NOTIFY cannot be used for the write syscall: runc fails (it writes the notify fd "
                 "to its parent)");
    }
    if (!in_entry.insert(name).second) {
      log_.Warn(np, Quote(name) + " is listed twice in this entry");
      continue;
    }
    if (!verdict || skipped || !info.args_ok) continue;

    auto first = unconditional_.find(name);
    if (first != unconditional_.end()) {
      const std::string where = Index(syscalls_path_, first->second.entry);
      if (!conditional && first->second.verdict == *verdict) {
        log_.Warn(np, Quote(name) + " already has the same unconditional rule in " + where +
                          ": this repeat has no effect");
      } else {
        log_.Warn(np, Quote(name) + " already has an unconditional rule in " + where + " (" +
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
        log_.Error(np, Quote(name) + " has the same conditions as " + Index(syscalls_path_, it->second.entry) +
                           " with a different action (" + it->second.verdict.ToString() + " there, " +
                           verdict->ToString() +
                           " here): libseccomp fails with EEXIST and runc cannot load the profile");
        break;
      }
    }
  }
}

bool Lint::KnownName(const std::string& name) {
  auto it = known_cache_.find(name);
  if (it != known_cache_.end()) return it->second;
  bool known = sys::IsKnownName(name);
  known_cache_.emplace(name, known);
  return known;
}

std::string Lint::SyscallSuggestion(const std::string& name) {
  if (log_.Full()) return "";  // the warning will only be counted: spare the edit distances
  if (auto s = SuggestSyscall(name)) return " (did you mean " + *s + "?)";
  return "";
}

// ---------------------------------------------------------------------------------------------------------------
void Lint::Document(const DocumentInfo& doc, const Profile& p) {
  const bool has_rules = doc.rule_count > 0;
  if (!p.default_action) {
    const bool invalid = doc.default_action_invalid;
    const bool wrong_type = doc.default_action_wrong_type;
    if (has_rules && !invalid && !wrong_type) {
      log_.Error(doc.default_action_key,
                 "missing \"defaultAction\": runc rejects a profile with rules but no default "
                 "action");
    } else if (!has_rules && !invalid && !wrong_type) {
      log_.Warn("",
                "seccomp is switched OFF: with no defaultAction and no syscalls, Docker and podman run the "
                "container unconfined");
    }
    return;
  }
  if (*p.default_action == Action::kAllow) {
    log_.Warn(default_path_,
              "defaultAction SCMP_ACT_ALLOW allows every syscall no rule names: this profile is a "
              "denylist, not least privilege");
  } else if (*p.default_action == Action::kLog) {
    log_.Warn(default_path_,
              "defaultAction SCMP_ACT_LOG allows (and logs) every syscall no rule names: this profile "
              "enforces nothing by default");
  } else if (!has_rules) {
    log_.Warn(default_path_, "no rules: every syscall gets " + default_verdict_->ToString() +
                                 ", so no program can start under this profile");
  }
  if (!notify_path_.empty() && p.listener_path.empty()) {
    // A warning here: what happens depends on the runtime (validate says: runc refuses it, crun starts).
    log_.Warn(notify_path_,
              "SCMP_ACT_NOTIFY needs \"listenerPath\" (the seccomp agent's socket): runc fails "
              "without it");
  }
}

}  // namespace profilegen::profile::parsing

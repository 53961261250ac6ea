#pragma once
/// The lint: warnings and errors about what a profile means once decoded (profile/go_decode.h reads it as Go
/// does). Vocabulary the loaders check (architectures, flags, capabilities, errno names), values they ignore
/// or refuse (errnoRet beside ALLOW, argument index 6, minKernel "4"), and the cross-entry rules of runc and
/// libseccomp (entries equal to the default, repeated names, conflicting conditions, NOTIFY without a
/// listener, a profile that switches seccomp off). The decoder calls it as it reads each part, so every
/// diagnostic comes in document order; the lint never sees JSON, only decoded values and their paths.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "profile/diagnostic.h"
#include "profile/effective.h"
#include "profile/model.h"

namespace profilegen::profile::parsing {

/// What the cross-entry checks need to know about how one entry decoded.
struct RuleInfo {
  std::string path;  ///< "syscalls[3]"
  size_t entry = 0;
  bool action_known = false;
  bool errno_ok = true;  ///< errnoRet, if present, was a valid number
  bool names_ok = true;  ///< names, if present, was a list
  bool args_ok = true;
  bool or_semantics = false;  ///< a repeated index: runc ORs the conditions
};

/// How the document's top level decoded, for the checks of the whole profile.
struct DocumentInfo {
  size_t rule_count = 0;            ///< entries in "syscalls", kept in the model or not
  std::string default_action_key;   ///< the key as written; "" when absent
  bool default_action_invalid = false;     ///< a non-empty string no action has
  bool default_action_wrong_type = false;  ///< neither a string nor null
};

class Lint {
 public:
  explicit Lint(DiagnosticLog& log) : log_(log) {}

  // The top level.
  void NullDocument();
  void DefaultAction(const std::string& path, const Profile& p);
  void DefaultErrnoRet(const std::string& path, const Profile& p);
  /// podman's "defaultErrno": the name (unknown ones fail podman) against Docker's defaultErrnoRet.
  void DefaultErrno(const std::string& path, const std::string& name, const Profile& p);
  /// After the default fields: the verdict entries are compared with.
  void DefaultsRead(const Profile& p);
  /// An SCMP_ARCH_* name in "architectures" or "archMap" (`error_if_unknown`: runc fails, else a warning).
  void ArchName(const std::string& path, const std::string& name, bool error_if_unknown,
                const char* unknown_consequence);
  /// archMap[i].architecture; the loaders use only the first entry per architecture.
  void ArchMapArchitecture(const std::string& path, const std::string& archmap_key, size_t i,
                           const std::string& arch);
  void Architectures(const std::string& architectures_key, const Profile& p);
  void Flag(const std::string& path, const std::string& flag);

  // One syscalls entry.
  void NameAndNames(const std::string& name_path, const std::string& single, const Rule& rule);
  void MissingAction(const std::string& path);
  void RuleErrnoRet(const std::string& path, const Rule& rule, const RuleInfo& info);
  /// podman's "errno" of an entry.
  void RuleErrno(const std::string& path, const std::string& name, const Rule& rule, const RuleInfo& info);
  /// False when the index is out of range.
  bool ArgIndex(const std::string& path, uint64_t index);
  void MissingOp(const std::string& path);
  void Condition(const std::string& path, const std::string& value_two_path, bool has_value_two,
                 const ArgCondition& c);
  /// Sets info.or_semantics when an index repeats.
  void RepeatedIndexes(const std::string& path, const std::map<uint32_t, int>& per_index, const Rule& rule,
                       RuleInfo& info);
  void Capability(const std::string& path, const std::string& cap);
  void FilterArch(const std::string& path, const std::string& arch);
  void MinKernel(const std::string& path, const std::string& v);
  /// The entry's names, and the libseccomp merge rules against the entries before it.
  void Names(const Rule& rule, const std::string& names_path, const std::string& name_path,
             const std::string& single, const RuleInfo& info);

  /// After everything: a profile without rules or default, allow-by-default, NOTIFY without a listener.
  void Document(const DocumentInfo& doc, const Profile& p);

  /// The key "syscalls" is written with (for the paths of earlier entries).
  void SyscallsKey(const std::string& key) { syscalls_path_ = key; }

 private:
  bool KnownName(const std::string& name);
  std::string SyscallSuggestion(const std::string& name);
  std::string ScmpArchSuggestion(const std::string& s);
  void CheckErrnoValue(const std::string& path, uint64_t e, const char* key);
  std::optional<uint64_t> ErrnoByName(const std::string& path, const std::string& name);

  struct Seen {
    size_t entry;
    Verdict verdict;
  };

  DiagnosticLog& log_;
  std::optional<Verdict> default_verdict_;
  std::string default_path_ = "defaultAction";
  std::string syscalls_path_ = "syscalls";
  std::string notify_path_;  // the first SCMP_ACT_NOTIFY entry
  std::map<std::string, size_t> archmap_seen_;
  std::map<std::string, Seen> unconditional_;
  std::map<std::pair<std::string, std::vector<ArgCondition>>, Seen> conditional_;
  std::unordered_map<std::string, bool> known_cache_;
};

}  // namespace profilegen::profile::parsing

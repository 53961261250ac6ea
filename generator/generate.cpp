#include "generator/generate.h"
#include "generator/reachable.h"
#include "profile/origin.h"


#include <algorithm>
#include <cerrno>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>

#include "base/error.h"
#include "base/hex.h"
#include "generator/guards.h"
#include "generator/minimise.h"
#include "generator/probes.h"
#include "generator/runtime_layer.h"
#include "syscalls/syscalls.h"

namespace profilegen::generator {
namespace {

using profile::Action;
using profile::ArgCondition;
using profile::Op;
using profile::Rule;

constexpr uint64_t kEnosys = ENOSYS;

// ---------------------------------------------------------------------------------------------------------
// What the traces say, per syscall name.

struct Observation {
  sys::ArchToken arch;
  uint64_t runs;
  std::string exe;
};

struct NameInfo {
  std::vector<Observation> seen;         // one per architecture it was seen on
  std::map<int, trace::ArgValues> args;  // captured argument index -> values, united over architectures
  std::set<int> uncaptured;              // captured indexes that some record lacks (values unknown)
};

// ---------------------------------------------------------------------------------------------------------

class Generator {
 public:
  Generator(const trace::Trace& merged, const GenerateOptions& options) : merged_(merged), options_(options) {}

  GenerateResult Run() {
    CollectNames();
    BuildArchMap();
    layer_ = SelectRuntimeLayer(options_.runtime, options_.no_new_privileges);
    for (const auto& [runtime, nnp] : options_.more_layers) AddRuntimeLayer(layer_, SelectRuntimeLayer(runtime, nnp));
    SetDefaults();
    DecideObserved();
    DecideLayerGuards();
    DecideClone3();
    AddProbes();
    AddUnconditionalEntry();
    AddReachable();
    for (Rule& r : rules_) result_.profile.syscalls.push_back(std::move(r));
    Minimise(result_.profile);
    WarnMissingOnExtraArches();
    return std::move(result_);
  }

 private:
  // --- inputs ---------------------------------------------------------------------------------------------

  void CollectNames() {
    host_ = merged_.host_arch ? merged_.host_arch : sys::HostArch();
    runs_ = merged_.runs;
    for (const auto& [key, rec] : merged_.syscalls) {
      if (!rec.name) {
        Warn(sys::ArchLabel(rec.arch) + " syscall number " + std::to_string(rec.nr) + " (" + Seen(rec) +
             ") has no name in this libseccomp, so a Docker-format profile cannot name it: left out, it gets the "
             "default action (a newer libseccomp may know it)");
        continue;
      }
      NameInfo& info = names_[*rec.name];
      info.seen.push_back({rec.arch, rec.runs, rec.first.exe});
      for (int idx : trace::CapturedArgs(*rec.name)) {
        auto it = rec.args.find(idx);
        if (it == rec.args.end()) {
          info.uncaptured.insert(idx);
        } else {
          info.args[idx].Merge(it->second);
        }
      }
    }
    // Host arch first, then by name: the order the comments list observations in.
    for (auto& [name, info] : names_) {
      std::sort(info.seen.begin(), info.seen.end(), [&](const Observation& a, const Observation& b) {
        return std::make_pair(a.arch != host_, sys::ArchLabel(a.arch)) < std::make_pair(b.arch != host_, sys::ArchLabel(b.arch));
      });
    }
  }

  std::string Seen(const trace::SyscallRecord& rec) const { return SeenPhrase({rec.arch, rec.runs, rec.first.exe}); }

  std::string SeenPhrase(const Observation& o) const {
    std::string s(profile::kObservedWord);
    if (o.arch != host_) s += " on " + sys::ArchLabel(o.arch);
    s += " in " + std::to_string(o.runs) + "/" + std::to_string(runs_) + " runs, first by " +
         (o.exe.empty() ? std::string("an unknown executable") : o.exe);
    return s;
  }

  std::string SeenPhrase(const NameInfo& info) const {
    std::string s;
    for (const Observation& o : info.seen) s += (s.empty() ? "" : ", ") + SeenPhrase(o);
    return s;
  }

  // --- archMap --------------------------------------------------------------------------------------------

  void BuildArchMap() {
    std::set<sys::ArchToken> observed;
    for (const auto& [key, rec] : merged_.syscalls) observed.insert(key.first);
    auto is_sub_of = [](sys::ArchToken a, sys::ArchToken top) {
      auto subs = sys::SubArches(top);
      return std::find(subs.begin(), subs.end(), a) != subs.end();
    };

    std::set<sys::ArchToken> wanted;  // everything the filter must cover besides the host
    for (sys::ArchToken a : observed)
      if (a != host_) wanted.insert(a);
    for (sys::ArchToken a : options_.extra_arches) {
      if (a == host_) continue;
      wanted.insert(a);
      if (!observed.count(a)) extra_.insert(a);
    }
    for (sys::ArchToken a : observed) {
      if (a != host_ && !is_sub_of(a, host_)) {
        Warn("the traces contain " + sys::ArchLabel(a) + " syscalls, which a " + sys::ArchLabel(host_) +
             " host does not run as a sub-architecture; it gets its own archMap entry");
      }
    }

    // Top-level entries: the host, then every wanted arch that is not one of the host's sub-architectures.
    std::vector<sys::ArchToken> tops = {host_};
    std::vector<sys::ArchToken> others;
    for (sys::ArchToken a : wanted)
      if (!is_sub_of(a, host_)) others.push_back(a);
    std::sort(others.begin(), others.end(),
              [](sys::ArchToken a, sys::ArchToken b) { return sys::ArchLabel(a) < sys::ArchLabel(b); });
    tops.insert(tops.end(), others.begin(), others.end());

    for (sys::ArchToken top : tops) {
      profile::ArchMapEntry entry;
      entry.architecture = sys::ArchLabel(top);
      filter_arches_.insert(top);
      for (sys::ArchToken sub : sys::SubArches(top)) {  // Docker's order (x86_64: x86, x32)
        if (!wanted.count(sub)) continue;
        entry.sub_architectures.push_back(sys::ArchLabel(sub));
        filter_arches_.insert(sub);
      }
      result_.profile.arch_map.push_back(std::move(entry));
      if (IsS390(top)) s390_top_ = true;
    }
  }

  static bool IsS390(sys::ArchToken a) {
    auto info = sys::ArchByToken(a);
    return info && (info->native == "s390" || info->native == "s390x");
  }

  // --- default action -------------------------------------------------------------------------------------

  void SetDefaults() {
    profile::Profile& p = result_.profile;
    p.default_action = options_.default_action;
    if (profile::ActionTakesErrno(options_.default_action)) {
      p.default_errno_ret = options_.errno_ret.value_or(1);
    } else if (options_.errno_ret) {
      Warn("--errno " + ErrnoName(*options_.errno_ret) + " has no effect with --default-action " +
           std::string(DefaultActionFlag(options_.default_action)) + " (only errno returns an errno)");
    }
    if (options_.runtime == Runtime::kNone && options_.no_new_privileges) {
      Warn("--no-new-privileges has no effect with --runtime none");
    }
  }

  // --- observed syscalls ----------------------------------------------------------------------------------

  // The argument values a guard may rely on, or why there are none.
  const trace::ArgValues* KnownValues(const std::string& name, const NameInfo& info, int index) {
    auto it = info.args.find(index);
    if (info.uncaptured.count(index) || it == info.args.end() || (it->second.values.empty() && !it->second.overflow)) {
      unguarded_.push_back(name + " (argument " + std::to_string(index) + " not captured)");
      return nullptr;
    }
    if (it->second.overflow) {
      unguarded_.push_back(name + " (more than " + std::to_string(trace::kMaxArgValues) +
                           " distinct values of argument " + std::to_string(index) + ")");
      return nullptr;
    }
    return &it->second;
  }

  std::optional<Guard> GuardFor(const std::string& name, const NameInfo& info) {
    const GuardSpec* spec = FindGuard(name);
    if (!spec || options_.args < spec->min_policy) return std::nullopt;
    if (name == "clone" && IsS390(host_)) {
      unguarded_.push_back("clone (on s390 the flags are argument 1, which the trace does not hold)");
      return std::nullopt;
    }
    const trace::ArgValues* values = KnownValues(name, info, spec->index);
    if (!values) return std::nullopt;
    Guard g;
    const uint32_t idx = static_cast<uint32_t>(spec->index);
    std::string arg = std::string(spec->what) + " (arg " + std::to_string(idx) + ")";
    if (name == "clone") {
      std::set<uint64_t> combos;  // the namespace flags each observed call used
      for (uint64_t v : values->values) combos.insert(v & kCloneNamespaceMask);
      clone_plain_allowed_ = combos.count(0) > 0;
      for (uint64_t m : combos) {
        if (m == 0) {
          g.push_back(CloneWithoutNamespaces().front());
        } else {
          g.push_back({{idx, kCloneNamespaceMask, m, Op::kMaskedEq},
                       arg + " with exactly the observed namespace flags " + Hex(m) + " (mask " +
                           Hex(kCloneNamespaceMask) + ")"});
        }
      }
      return g;
    }
    const size_t n = values->values.size();
    for (uint64_t v : values->values) {
      g.push_back({{idx, v, 0, Op::kEq},
                   arg + " is " + FormatValue(v, spec->style) +
                       (n == 1 ? ", the only observed value" : ", one of " + std::to_string(n) + " observed values")});
    }
    return g;
  }

  // One ALLOW entry per alternative; `prefix` and `suffix` frame each alternative's description.
  void AddGuardedRules(const std::string& name, const Guard& g, const std::string& prefix, const std::string& suffix) {
    for (const Alternative& alt : g) AddGuardedRule(name, alt.condition, prefix + alt.description + suffix);
  }

  void AddGuardedRule(const std::string& name, const ArgCondition& condition, const std::string& comment) {
    Rule r;
    r.names = {name};
    r.action = Action::kAllow;
    r.args = {condition};
    r.comment = comment;
    if (name == "clone" && s390_top_) {
      // s390 passes the clone flags in argument 1 (as Docker's default profile does it).
      Rule s390 = r;
      for (ArgCondition& c : s390.args) c.index = 1;
      s390.includes.arches = {"s390", "s390x"};
      if (auto at = s390.comment.find("(arg 0)"); at != std::string::npos) {
        s390.comment.replace(at, 7, "(arg 1 in s390's argument order)");
      }
      r.excludes.arches = {"s390", "s390x"};
      rules_.push_back(std::move(s390));
    }
    rules_.push_back(std::move(r));
  }

  void DecideObserved() {
    for (const auto& [name, info] : names_) {
      if (name == "clone3") continue;  // DecideClone3, even when the runtime layer lists it
      if (LayerGuarded(name)) continue;  // DecideLayerGuards
      if (layer_.names.count(name)) {
        unconditional_.insert(name);
        continue;
      }
      if (options_.args == ArgPolicy::kNone) {
        unconditional_.insert(name);
        continue;
      }
      std::optional<Guard> g = GuardFor(name, info);
      if (!g) {
        unconditional_.insert(name);
        continue;
      }
      std::string suffix;
      if (name == "clone") {
        clone_guarded_ = true;
        if (layer_.names.count("clone3")) {
          suffix += "; the " + layer_.label + " lists clone3, which answers ENOSYS: its fallback is this clone";
        }
      }
      if ((name == "socket" || name == "socketpair") && filter_arches_.count(sys::ArchByNativeName("x86")->token)) {
        suffix += "; on SCMP_ARCH_X86 calls made through socketcall cannot be argument-checked";
      }
      AddGuardedRules(name, *g, name + ": " + SeenPhrase(info) + "; guard: ", suffix);
    }
  }

  // --- the runtime layer under the argument guards ----------------------------------------------------------

  // A layer name that the policy guards by its arguments (prctl under --args strict): the runtime's calls are
  // allowed with the values it was measured to use (generator/data), the program's with the observed ones.
  // clone and clone3 have their own guard (DecideClone3).
  bool LayerGuarded(const std::string& name) const {
    const GuardSpec* spec = FindGuard(name);
    if (!spec || options_.args < spec->min_policy || name == "clone" || name == "clone3") return false;
    if (!layer_.names.count(name)) return false;
    auto measured = layer_.arg_values.find(name);
    return measured != layer_.arg_values.end() && measured->second.index == static_cast<uint32_t>(spec->index);
  }

  void DecideLayerGuards() {
    const std::string policy = "--args " + std::string(ArgPolicyName(options_.args));
    for (const std::string& name : layer_.names) {
      const GuardSpec* spec = FindGuard(name);
      if (!spec || options_.args < spec->min_policy || name == "clone" || name == "clone3") continue;
      if (!LayerGuarded(name)) {
        // No measured values: the runtime may pass anything, so the guard would be a guess.
        unguarded_.push_back(name + " (the " + layer_.label + " lists it without measured argument values)");
        Warn(policy + " leaves " + name + " unguarded: the " + layer_.label +
             " lists it without measured argument values, so any value is allowed");
        continue;
      }
      const RuntimeArgValues& measured = layer_.arg_values.at(name);
      auto observed = names_.find(name);
      std::string who = "runtime's values measured for the " + layer_.label;
      Guard g;
      if (observed != names_.end()) {
        std::optional<Guard> own = GuardFor(name, observed->second);
        if (!own) {  // the program's values are unknown: nothing to guard with
          unconditional_.insert(name);
          layer_unguarded_.insert(name);
          continue;
        }
        g = std::move(*own);
        who = SeenPhrase(observed->second) + "; " + who;
      }
      const std::string arg = std::string(spec->what) + " (arg " + std::to_string(measured.index) + ")";
      for (uint64_t v : measured.values) {
        const bool seen = std::any_of(g.begin(), g.end(), [&](const Alternative& a) { return a.condition.value == v; });
        if (seen) continue;
        g.push_back({{measured.index, v, 0, Op::kEq}, arg + " is " + FormatValue(v, spec->style) + ", used by the runtime"});
      }
      std::sort(g.begin(), g.end(),
                [](const Alternative& a, const Alternative& b) { return a.condition.value < b.condition.value; });
      AddGuardedRules(name, g, name + ": " + who + "; guard: ", "");
      if (layer_.unmeasured.count(name)) {
        Warn(policy + ": the " + layer_.label + " also lists " + name +
             " in a group whose argument values were not measured (docs/generate.md, --args); " +
             name + " is allowed only with the runtime's measured values and the program's observed ones. If the "
             "container fails to start with a seccomp error, use --args guard");
      }
    }
  }

  // clone3 takes its flags in a struct in memory, which seccomp cannot read: while clone is guarded, an allowed
  // clone3 would undo the guard (any namespace flags through clone3). So under the guard clone3 answers ENOSYS,
  // even when the runtime layer lists it, and the C library (glibc, and Go through it) falls back to clone,
  // which the guard allows without namespace flags (Docker's default does the same). The runtime layer's need
  // is then met by that guarded clone: runc's threads are created without namespace flags.
  void DecideClone3() {
    auto it = names_.find("clone3");
    const bool observed = it != names_.end();
    const bool layer = layer_.names.count("clone3") > 0;
    const bool needed = observed || layer;
    if (options_.args == ArgPolicy::kNone) {
      if (needed) unconditional_.insert("clone3");
      return;  // else: the ENOSYS probe
    }
    if (!clone_guarded_ && (unconditional_.count("clone") || layer_.names.count("clone"))) {
      if (needed) unconditional_.insert("clone3");  // clone itself is not guarded: nothing to protect
      return;
    }
    // Who needs clone3 (and so the clone fallback): the program, the runtime, or both.
    std::string who = observed ? SeenPhrase(it->second) : "not observed";
    if (layer) who += "; listed by the " + layer_.label;
    if (needed && !clone_guarded_) {
      // The fallback the ENOSYS answer leads to must work: clone without namespace flags.
      AddGuardedRules(
          "clone", CloneWithoutNamespaces(),
          "clone: not observed, allowed as the fallback for clone3 (which answers ENOSYS; clone3 " + who + "); guard: ",
          "");
      clone_guarded_ = true;
    } else if (needed && !clone_plain_allowed_) {
      // clone was observed only with namespace flags: the fallback (threads, fork) needs them absent too.
      AddGuardedRules(
          "clone", CloneWithoutNamespaces(),
          "clone: allowed without namespace flags as the fallback for clone3 (which answers ENOSYS; clone3 " + who +
              "); guard: ",
          "");
    }
    if (needed) clone_plain_allowed_ = true;
    if (observed) {
      Warn("clone3 was " + SeenPhrase(it->second) +
           ", but seccomp cannot check its flags (they are in memory): under --args " +
           std::string(ArgPolicyName(options_.args)) +
           " it answers ENOSYS and the C library falls back to clone, allowed without namespace flags. If the "
           "program calls clone3 itself without a fallback, use --args none");
    }
    if (!clone_guarded_) return;  // not needed, clone not allowed: the ENOSYS probe covers it
    Rule r;
    r.names = {"clone3"};
    r.action = Action::kErrno;
    r.errno_ret = kEnosys;
    r.comment = "clone3: " + who + "; answers ENOSYS so that the C library falls back to the guarded clone" +
                (layer ? " (the runtime creates its threads without namespace flags)" : "");
    rules_.push_back(std::move(r));
    clone3_decided_ = true;
  }

  // --- ENOSYS probes --------------------------------------------------------------------------------------

  bool PresentOnFilter(std::string_view name) const {
    for (sys::ArchToken a : filter_arches_)
      if (sys::Resolve(a, name).status == sys::NameStatus::kPresent) return true;
    return false;
  }

  void AddProbes() {
    std::string names;
    Rule r;
    r.action = Action::kErrno;
    r.errno_ret = kEnosys;
    for (const EnosysProbe& probe : EnosysProbes()) {
      std::string name(probe.name);
      if (name == "clone3" && clone3_decided_) continue;
      if (names_.count(name) || layer_.names.count(name)) continue;
      if (!sys::IsKnownName(name) || !PresentOnFilter(name)) continue;
      r.names.push_back(name);
      names += " " + name;
    }
    if (r.names.empty()) return;
    r.comment =
        "ENOSYS probes, not observed (C libraries and language runtimes fall back when these are not "
        "implemented, but fail on EPERM):" +
        names;
    rules_.push_back(std::move(r));
  }

  // --- the unconditional ALLOW entry ----------------------------------------------------------------------

  // The layer's names allowed unconditionally: all of them, except clone3 when it answers ENOSYS.
  bool LayerAllows(const std::string& name) const {
    if (LayerGuarded(name) && !layer_unguarded_.count(name)) return false;  // DecideLayerGuards
    return !(name == "clone3" && clone3_decided_);
  }

  void AddUnconditionalEntry() {
    for (const std::string& n : layer_.names)
      if (LayerAllows(n)) unconditional_.insert(n);
    if (unconditional_.empty()) return;
    // Group the observed names by (arch, runs, first executable): one phrase per group.
    std::map<std::tuple<bool, std::string, sys::ArchToken, uint64_t, std::string>, std::vector<std::string>> groups;
    for (const std::string& name : unconditional_) {
      auto it = names_.find(name);
      if (it == names_.end()) continue;
      for (const Observation& o : it->second.seen) {
        // More runs first: ~runs sorts descending.
        groups[{o.arch != host_, sys::ArchLabel(o.arch), o.arch, ~o.runs, o.exe}].push_back(name);
      }
    }
    std::string comment;
    auto add = [&](const std::string& piece) { comment += (comment.empty() ? "" : "; ") + piece; };
    for (const auto& [key, names] : groups) {
      const auto& [foreign, label, arch, inv_runs, exe] = key;
      Observation o{arch, ~inv_runs, exe};
      std::string piece = SeenPhrase(o) + ":";
      for (const std::string& n : names) piece += " " + n;
      add(piece);
    }
    if (!layer_.names.empty()) {
      std::string piece = layer_.label + ":";
      for (const std::string& n : layer_.names)
        if (LayerAllows(n)) piece += " " + n;
      if (layer_.names.count("clone3") && !LayerAllows("clone3")) {
        piece += " (its clone3 answers ENOSYS under the clone guard: see the clone3 entry)";
      }
      for (const std::string& n : layer_.names) {
        if (!LayerAllows(n) && n != "clone3") piece += " (its " + n + " is guarded by its arguments: see the " + n + " entries)";
      }
      add(piece);
    }
    if (!unguarded_.empty()) {
      std::string piece = "no argument guard for";
      for (size_t i = 0; i < unguarded_.size(); ++i) piece += (i ? ", " : " ") + unguarded_[i];
      add(piece);
    }
    Rule r;
    r.names.assign(unconditional_.begin(), unconditional_.end());
    r.action = Action::kAllow;
    r.comment = comment;
    rules_.push_back(std::move(r));
  }

  // --- --reachable (generator/reachable.h) -----------------------------------------------------------------

  void AddReachable() {
    std::set<std::string> in_rules;
    for (const Rule& r : rules_) in_rules.insert(r.names.begin(), r.names.end());
    auto policy = options_.include_reachable ? ReachablePolicy::kInclude : ReachablePolicy::kReport;
    if (auto r = ReachableRule(merged_, host_, in_rules, policy, options_.reachable_denied, result_.warnings)) {
      rules_.push_back(std::move(*r));
    }
  }

  // --- --arch ---------------------------------------------------------------------------------------------

  void WarnMissingOnExtraArches() {
    std::set<std::string> allowed;
    for (const Rule& r : result_.profile.syscalls)
      if (r.action == Action::kAllow) allowed.insert(r.names.begin(), r.names.end());
    for (sys::ArchToken a : extra_) {
      std::vector<std::string> missing;
      for (const std::string& n : allowed)
        if (sys::Resolve(a, n).status != sys::NameStatus::kPresent) missing.push_back(n);
      if (missing.empty()) continue;
      auto info = sys::ArchByToken(a);
      std::string native = info ? std::string(info->native) : sys::ArchLabel(a);
      std::string list;
      for (const std::string& n : missing) list += (list.empty() ? "" : ", ") + n;
      auto subs = sys::SubArches(host_);
      const bool sub = std::find(subs.begin(), subs.end(), a) != subs.end();
      Warn("--arch " + native + ": " + std::to_string(missing.size()) + " allowed syscall" +
           (missing.size() == 1 ? " does not exist on " + sys::ArchLabel(a) + " and has"
                                : "s do not exist on " + sys::ArchLabel(a) + " and have") +
           " no effect there: " + list + ". A program built for " + native +
           " makes other calls instead (e.g. openat for open): " +
           (sub ? "record the " + native + " build of the program here and pass its trace too"
                : "record it on " + native + ", generate a profile there and combine the two with `profilegen merge`"));
    }
  }

  void Warn(std::string message) { result_.warnings.push_back(std::move(message)); }

  const trace::Trace& merged_;
  const GenerateOptions& options_;
  GenerateResult result_;

  sys::ArchToken host_ = 0;
  uint64_t runs_ = 0;
  std::map<std::string, NameInfo> names_;
  std::set<sys::ArchToken> filter_arches_;  // every arch the archMap covers
  std::set<sys::ArchToken> extra_;          // --arch values not observed in the traces
  bool s390_top_ = false;
  RuntimeLayer layer_;

  std::set<std::string> unconditional_;
  std::vector<Rule> rules_;             // guarded and ENOSYS rules
  std::vector<std::string> unguarded_;  // guardable names left unguarded, with why
  std::set<std::string> layer_unguarded_;  // LayerGuarded names the program made with unknown values
  bool clone_guarded_ = false;          // clone is allowed only through argument guards
  bool clone_plain_allowed_ = false;    // ... and one of them allows clone without namespace flags
  bool clone3_decided_ = false;         // clone3 has its ENOSYS entry (under the clone guard)
};

}  // namespace

GenerateResult Generate(const trace::Trace& merged, const GenerateOptions& options) {
  return Generator(merged, options).Run();
}

}  // namespace profilegen::generator

#include <map>
#include <tuple>

#include "base/json_io.h"
#include "review/diff.h"
#include "review/rule_findings.h"
#include "review/target.h"

namespace profilegen::review {

using nlohmann::ordered_json;

ordered_json VerdictToJson(const profile::Verdict& v) {
  ordered_json j;
  j["action"] = std::string(profile::ActionName(v.action));
  if (profile::ActionTakesErrno(v.action)) j["errnoRet"] = v.errno_ret;
  return j;
}

ordered_json RuleToJson(const profile::EffectiveRule& r) {
  ordered_json j = VerdictToJson(r.verdict);
  ordered_json args = ordered_json::array();
  for (const auto& c : r.conditions) {
    args.push_back({{"index", c.index},
                    {"value", c.value},
                    {"valueTwo", c.value_two},
                    {"op", std::string(profile::OpName(c.op))}});
  }
  j["args"] = std::move(args);
  return j;
}

ordered_json TargetToJson(const profile::Target& t) {
  ordered_json j;
  j["engine"] = profile::EngineName(t.engine);
  j["arch"] = sys::ArchLabel(t.arch);
  j["caps"] = std::vector<std::string>(t.caps.begin(), t.caps.end());
  j["kernel"] = std::to_string(t.kernel_major) + "." + std::to_string(t.kernel_minor);
  return j;
}

namespace {

ordered_json TreatmentToJson(const Treatment& t) {
  ordered_json j;
  j["allowance"] = std::string(AllowanceName(t.allowance));
  j["in_filter"] = t.in_filter;
  j["default"] = t.in_filter && t.by_default;
  ordered_json rules = ordered_json::array();
  for (const auto& r : t.rules) rules.push_back(RuleToJson(r));
  j["rules"] = std::move(rules);
  j["text"] = t.Describe();
  j["origin"] = std::string(profile::OriginName(t.origin));
  return j;
}

// One line of the human-readable outputs: the same change on several arches (amd64, x86, x32) shown once.
struct Row {
  ChangeKind kind;
  Direction direction;
  std::string name, before, after;
  std::optional<RiskInfo> risk;
  Allowance docker;
  std::vector<sys::ArchToken> arches;
  profile::Origin origin;  ///< ShownOrigin
  std::string witness;     ///< WitnessText
};

// "read(1, 2): ALLOW -> ERRNO(EPERM)" (what each side's filter returns for one call), or "".
std::string WitnessText(const SyscallChange& s) {
  std::string out;
  if (s.witness) {
    out = DescribeCall(s.name, s.witness->args) + ": " + DescribeVerdict(s.witness->a) + " -> " +
          DescribeVerdict(s.witness->b);
  }
  if (!s.kernel_note.empty()) out += (out.empty() ? "" : " (") + s.kernel_note + (out.empty() ? "" : ")");
  return out;
}

std::string SameFilterLine(const SameFilter& f) {
  std::string arches;
  for (auto a : f.arches) arches += (arches.empty() ? "" : ",") + ArchNative(a);
  return f.name + " [" + arches + "]: " + f.before.Describe() + " -> " + f.after.Describe();
}

// " (reachable-only)" after a row the profile's comments label; nothing for unlabelled ones.
std::string OriginSuffix(profile::Origin o) {
  return o == profile::Origin::kUnlabelled ? "" : " (" + std::string(profile::OriginName(o)) + ")";
}

std::vector<Row> GroupRows(const DiffResult& diff, bool include_arch_changes) {
  using Key = std::tuple<int, std::string, std::string, std::string, int, bool, int, std::string>;
  std::map<Key, Row> rows;
  for (const auto& a : diff.arches) {
    for (const auto& s : a.syscalls) {
      if (a.status != ArchStatus::kBoth && !(include_arch_changes && s.risk)) continue;
      Key key{static_cast<int>(s.kind), s.name, s.before.Describe(), s.after.Describe(), static_cast<int>(s.direction),
              s.risk.has_value(), static_cast<int>(ShownOrigin(s)), WitnessText(s)};
      auto [it, inserted] = rows.try_emplace(key);
      if (inserted) {
        it->second = Row{s.kind, s.direction, s.name,         s.before.Describe(), s.after.Describe(),
                         s.risk, s.docker,    {},             ShownOrigin(s),      WitnessText(s)};
      }
      it->second.arches.push_back(a.arch);
      if (s.docker > it->second.docker) it->second.docker = s.docker;
    }
  }
  std::vector<Row> out;
  for (auto& [_, r] : rows) out.push_back(std::move(r));
  return out;  // ordered: added, removed, changed; then by name
}

std::string ArchList(const std::vector<sys::ArchToken>& arches) {
  std::string s;
  for (auto a : arches) s += (s.empty() ? "" : ",") + ArchNative(a);
  return s;
}

std::string SummaryLine(const DiffResult& diff) {
  if (diff.Identical()) return "no effective difference";
  if (diff.SeccompChanged()) {
    return diff.new_off ? "seccomp switched OFF by the new profile: every syscall is allowed"
                        : "seccomp switched on by the new profile (the old one ran unconfined)";
  }
  const DiffCounts c = diff.Counts();
  std::string s = std::to_string(c.added) + " added";
  if (c.risky) s += " (" + std::to_string(c.risky) + " risky)";
  s += ", " + std::to_string(c.removed) + " removed, " + std::to_string(c.changed) + " changed";
  if (c.arches_added)
    s += ", " + std::to_string(c.arches_added) + " arch" + (c.arches_added > 1 ? "es" : "") + " added";
  if (c.arches_removed)
    s += ", " + std::to_string(c.arches_removed) + " arch" + (c.arches_removed > 1 ? "es" : "") + " removed";
  if (diff.DefaultChanged()) s += diff.DefaultWidened() ? ", default action now ALLOWS" : ", default action changed";
  return s;
}

std::string ArchChangeLine(const ArchDiff& a) {
  size_t risky = 0;
  std::string risky_names;
  for (const auto& s : a.syscalls) {
    if (!s.risk) continue;
    ++risky;
    risky_names += (risky_names.empty() ? "" : ", ") + s.name;
  }
  std::string s = sys::ArchLabel(a.arch) + (a.status == ArchStatus::kAdded ? " added: " : " removed: ") +
                  std::to_string(a.syscalls.size()) + " syscall" + (a.syscalls.size() == 1 ? "" : "s") +
                  (a.status == ArchStatus::kAdded ? " allowed" : " no longer allowed");
  if (risky) s += ", " + std::to_string(risky) + " risky (" + risky_names + ")";
  return s;
}

char Sigil(ChangeKind k) { return k == ChangeKind::kAdded ? '+' : k == ChangeKind::kRemoved ? '-' : '~'; }

}  // namespace

std::string FormatDiffText(const DiffResult& diff, const DiffLabels& labels, bool colour) {
  Colours c{colour};
  std::string out = c.bold() + "profilegen diff " + labels.old_name + " -> " + labels.new_name + c.reset() + " (" +
                    DescribeTarget(diff.target) + ")\n";
  if (diff.SeccompChanged()) {
    out += (diff.new_off ? c.red() : c.green()) + SummaryLine(diff) + c.reset() + "\n";
  } else if (!diff.Identical()) {
    if (diff.DefaultChanged()) {
      out += (diff.DefaultWidened() ? c.red() : c.yellow()) + "default action: " + DescribeVerdict(diff.old_default) +
             " -> " + DescribeVerdict(diff.new_default) + c.reset() + "\n";
    }
    for (const auto& a : diff.arches) {
      if (a.status == ArchStatus::kBoth) continue;
      out += (a.status == ArchStatus::kAdded ? c.red() : c.green()) + "arch " + ArchChangeLine(a) + c.reset() + "\n";
    }
    size_t width = 0;
    std::vector<Row> rows = GroupRows(diff, true);
    for (const auto& r : rows) width = std::max(width, r.name.size());
    for (const auto& r : rows) {
      std::string colour_on = r.kind == ChangeKind::kAdded     ? c.red()
                              : r.kind == ChangeKind::kRemoved ? c.green()
                                                               : c.yellow();
      std::string line = colour_on + Sigil(r.kind) + " " + r.name + std::string(width - r.name.size(), ' ') + c.reset();
      line += "  [" + ArchList(r.arches) + "]";
      if (r.kind == ChangeKind::kChanged) line += " " + std::string(DirectionName(r.direction)) + ":";
      line += " " + r.before + " -> " + r.after + OriginSuffix(r.origin) + "\n";
      out += line;
      if (!r.witness.empty()) out += std::string(width + 4, ' ') + "kernel: " + r.witness + "\n";
      if (r.risk || r.kind == ChangeKind::kAdded || r.direction == Direction::kWidened) {
        std::string note = std::string(width + 4, ' ');
        if (r.risk) {
          note += c.red() + "risk: " + std::string(CategoryName(r.risk->category)) + ": " +
                  std::string(r.risk->reason) + c.reset() + "; ";
        }
        note += "Docker default: " + std::string(AllowanceName(r.docker)) + "\n";
        out += note;
      }
    }
  }
  if (!diff.same_filter.empty()) {
    out += c.dim() + "rules rewritten, same kernel filter (libseccomp builds the same rule tree):" + c.reset() + "\n";
    for (const auto& f : diff.same_filter) out += "= " + SameFilterLine(f) + "\n";
  }
  std::string summary = SummaryLine(diff);
  if (labels.fail_on != FailOn::kNever) {
    summary += GateFails(diff, labels.fail_on)
                   ? "; gate --fail-on " + std::string(FailOnName(labels.fail_on)) + ": FAILED"
                   : "; gate --fail-on " + std::string(FailOnName(labels.fail_on)) + ": passed";
  }
  out += c.bold() + summary + c.reset() + "\n";
  return out;
}

std::string FormatDiffMarkdown(const DiffResult& diff, const DiffLabels& labels) {
  std::string out = "### Seccomp profile diff: " + SummaryLine(diff) + "\n\n";
  out += "`" + MarkdownCell(labels.old_name) + "` → `" + MarkdownCell(labels.new_name) + "`, effective policy for " +
         DescribeTarget(diff.target) + ".";
  if (labels.fail_on != FailOn::kNever) {
    out += GateFails(diff, labels.fail_on)
               ? " **Gate `--fail-on " + std::string(FailOnName(labels.fail_on)) + "`: failed.**"
               : " Gate `--fail-on " + std::string(FailOnName(labels.fail_on)) + "`: passed.";
  }
  out += "\n";
  if (!diff.same_filter.empty()) {
    out += "\nRules rewritten without effect (libseccomp builds the same rule tree): ";
    for (size_t i = 0; i < diff.same_filter.size(); ++i) out += (i ? ", `" : "`") + diff.same_filter[i].name + "`";
    out += "\n";
  }
  if (diff.Identical() || diff.SeccompChanged()) return out;
  std::string bullets;
  if (diff.DefaultChanged()) {
    bullets += std::string(diff.DefaultWidened() ? "- :warning: " : "- ") + "Default action: `" +
               DescribeVerdict(diff.old_default) + "` → `" + DescribeVerdict(diff.new_default) + "`\n";
  }
  for (const auto& a : diff.arches) {
    if (a.status != ArchStatus::kBoth) {
      bullets += std::string(a.status == ArchStatus::kAdded ? "- :warning: " : "- ") + "Architecture " +
                 MarkdownCell(ArchChangeLine(a)) + "\n";
    }
  }
  if (!bullets.empty()) out += "\n" + bullets;
  std::vector<Row> rows = GroupRows(diff, true);
  if (rows.empty()) return out;
  const bool fold = rows.size() > 40;
  out += "\n";
  if (fold) out += "<details><summary>" + std::to_string(rows.size()) + " changes</summary>\n\n";
  out += "| | syscall | arches | old | new | origin | risk | Docker default |\n";
  out += "|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : rows) {
    std::string what = r.kind == ChangeKind::kAdded     ? "added"
                       : r.kind == ChangeKind::kRemoved ? "removed"
                                                        : std::string(DirectionName(r.direction));
    std::string risk =
        r.risk ? ":warning: **" + std::string(CategoryName(r.risk->category)) + "**: " + MarkdownCell(r.risk->reason)
               : "";
    out += "| " + what + " | `" + r.name + "` | " + ArchList(r.arches) + " | `" + MarkdownCell(r.before) + "` | `" +
           MarkdownCell(r.after) + "`" + (r.witness.empty() ? "" : " (kernel: " + MarkdownCell(r.witness) + ")") + " | " +
           (r.origin == profile::Origin::kUnlabelled ? "" : std::string(profile::OriginName(r.origin))) + " | " + risk +
           " | " + std::string(AllowanceName(r.docker)) + " |\n";
  }
  if (fold) out += "\n</details>\n";
  return out;
}

ordered_json DiffToJson(const DiffResult& diff, const DiffLabels& labels) {
  ordered_json j;
  j["profilegen"] = "diff";
  j["version"] = 1;
  j["old"] = labels.old_name;
  j["new"] = labels.new_name;
  j["target"] = TargetToJson(diff.target);
  j["identical"] = diff.Identical();
  const DiffCounts c = diff.Counts();
  j["summary"] = {{"added", c.added},
                  {"removed", c.removed},
                  {"changed", c.changed},
                  {"widened", c.widened},
                  {"risky", c.risky},
                  {"arches_added", c.arches_added},
                  {"arches_removed", c.arches_removed},
                  {"default_changed", diff.DefaultChanged()},
                  {"default_widened", diff.DefaultWidened()},
                  {"seccomp_switched_off", diff.SeccompSwitchedOff()}};
  j["seccomp"] = {{"old", diff.old_off ? "off" : "on"}, {"new", diff.new_off ? "off" : "on"}};
  if (!diff.old_off && !diff.new_off) {
    j["default_action"] = {{"old", VerdictToJson(diff.old_default)}, {"new", VerdictToJson(diff.new_default)}};
  } else {
    j["default_action"] = nullptr;
  }
  ordered_json arches = ordered_json::array();
  for (const auto& a : diff.arches) {
    ordered_json ja;
    ja["arch"] = sys::ArchLabel(a.arch);
    ja["status"] = std::string(ArchStatusName(a.status));
    ordered_json list = ordered_json::array();
    for (const auto& s : a.syscalls) {
      ordered_json js;
      js["name"] = s.name;
      js["change"] = std::string(ChangeKindName(s.kind));
      js["direction"] = std::string(DirectionName(s.direction));
      js["old"] = TreatmentToJson(s.before);
      js["new"] = TreatmentToJson(s.after);
      if (s.risk) {
        js["risk"] = {{"category", std::string(CategoryName(s.risk->category))},
                      {"reason", std::string(s.risk->reason)}};
      } else {
        js["risk"] = nullptr;
      }
      js["docker_default"] = std::string(AllowanceName(s.docker));
      if (s.witness) {
        js["kernel"] = {{"call", DescribeCall(s.name, s.witness->args)},
                        {"args", s.witness->args},
                        {"old", VerdictToJson(s.witness->a)},
                        {"new", VerdictToJson(s.witness->b)}};
      } else {
        js["kernel"] = nullptr;
      }
      js["kernel_note"] = s.kernel_note;
      list.push_back(std::move(js));
    }
    ja["syscalls"] = std::move(list);
    arches.push_back(std::move(ja));
  }
  j["arches"] = std::move(arches);
  ordered_json same = ordered_json::array();
  for (const auto& f : diff.same_filter) {
    std::vector<std::string> a;
    for (auto x : f.arches) a.push_back(sys::ArchLabel(x));
    same.push_back({{"name", f.name}, {"arches", a}, {"old", f.before.Describe()}, {"new", f.after.Describe()}});
  }
  j["same_filter"] = std::move(same);
  j["gate"] = {{"fail_on", std::string(FailOnName(labels.fail_on))}, {"failed", GateFails(diff, labels.fail_on)}};
  return j;
}

std::string FormatDiff(const DiffResult& diff, const DiffLabels& labels, OutputFormat format, bool colour) {
  switch (format) {
    case OutputFormat::kText:
      return FormatDiffText(diff, labels, colour);
    case OutputFormat::kMarkdown:
      return FormatDiffMarkdown(diff, labels);
    case OutputFormat::kJson:
      return DumpCanonical(DiffToJson(diff, labels));
  }
  return {};
}

}  // namespace profilegen::review

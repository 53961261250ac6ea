#include "base/json_io.h"
#include "review/audit.h"
#include "review/diff.h"
#include "review/target.h"

namespace profilegen::review {

using nlohmann::ordered_json;

namespace {

std::string ArchList(const std::vector<sys::ArchToken>& arches) {
  std::string s;
  for (auto a : arches) s += (s.empty() ? "" : ",") + ArchNative(a);
  return s;
}

std::string Pad(const std::string& s, size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string ArchLine(const ArchAudit& a) {
  return std::to_string(a.allowed) + " allowed, " + std::to_string(a.conditional) + " conditional, " +
         std::to_string(a.cacheable) + " cacheable (of " + std::to_string(a.names_on_arch) + " syscalls known)";
}

// ", 2 rules not applied as written (1 high)" when there are any.
std::string RuleEffectCount(const AuditReport& r) {
  if (r.rule_effects.empty()) return "";
  size_t high = 0;
  for (const auto& f : r.rule_effects) high += f.severity == RuleSeverity::kHigh ? 1 : 0;
  return ", " + std::to_string(r.rule_effects.size()) + " rule" + (r.rule_effects.size() == 1 ? "" : "s") +
         " not applied as written" + (high ? " (" + std::to_string(high) + " high)" : "");
}

ordered_json RuleFindingToJson(const RuleFinding& f) {
  std::vector<std::string> arches;
  for (auto a : f.arches) arches.push_back(sys::ArchLabel(a));
  ordered_json j;
  j["severity"] = std::string(RuleSeverityName(f.severity));
  j["fate"] = std::string(profile::RuleFateName(f.fate));
  j["syscall"] = f.syscall;
  j["arches"] = arches;
  j["rule"] = f.rule;
  j["winner"] = f.winner;
  j["call"] = f.call.empty() ? ordered_json(nullptr) : ordered_json(f.call);
  j["kernel"] = f.real;
  j["effect"] = f.effect;
  return j;
}

std::string Headline(const AuditReport& r) {
  if (r.seccomp_off) return "seccomp is switched OFF: the container runs unconfined";
  size_t missing = 0;
  for (const auto& g : r.guards) missing += g.present ? 0 : 1;
  return std::to_string(r.risky.size()) + " risky, " + std::to_string(r.beyond_docker.size()) +
         " beyond Docker's default, " + std::to_string(missing) + " missing guard" + (missing == 1 ? "" : "s") + ", " +
         std::to_string(r.arches.size()) + " arch" + (r.arches.size() == 1 ? "" : "es") + RuleEffectCount(r);
}

ordered_json FindingToJson(const AuditFinding& f) {
  ordered_json j;
  j["name"] = f.name;
  std::vector<std::string> arches;
  for (auto a : f.arches) arches.push_back(sys::ArchLabel(a));
  j["arches"] = arches;
  j["allowance"] = std::string(AllowanceName(f.allowance));
  j["treatment"] = f.treatment;
  if (f.risk) {
    j["risk"] = {{"category", std::string(CategoryName(f.risk->category))}, {"reason", std::string(f.risk->reason)}};
  } else {
    j["risk"] = nullptr;
  }
  j["docker_default"] = std::string(AllowanceName(f.docker));
  j["origin"] = std::string(profile::OriginName(f.origin));
  return j;
}

// " (reachable-only)" after a finding the profile's comments label; nothing for unlabelled ones.
std::string OriginSuffix(const AuditFinding& f) {
  return f.origin == profile::Origin::kUnlabelled ? "" : " (" + std::string(profile::OriginName(f.origin)) + ")";
}

size_t AllowedCount(const AuditReport& r) {
  size_t n = 0;
  for (const auto& g : r.origins) n += g.names.size();
  return n;
}

// Names wrapped at about 110 columns, each line indented by `indent`.
std::string Wrapped(const std::vector<std::string>& names, size_t indent) {
  std::string out, line;
  for (const auto& n : names) {
    if (!line.empty() && indent + line.size() + 1 + n.size() > 110) {
      out += std::string(indent, ' ') + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + n;
  }
  if (!line.empty()) out += std::string(indent, ' ') + line + "\n";
  return out;
}

}  // namespace

std::string FormatAuditText(const AuditReport& r, const std::string& file, bool colour) {
  Colours c{colour};
  std::string out = c.bold() + "profilegen audit " + file + c.reset() + " (" + DescribeTarget(r.target) + ")\n";
  if (r.seccomp_off) return out + c.red() + Headline(r) + c.reset() + "\n";
  out += "default action: " + DescribeVerdict(r.default_verdict) + "\n";

  out += "\n" + c.bold() + "arches (" + std::to_string(r.arches.size()) + ")" + c.reset() + "\n";
  for (const auto& a : r.arches) {
    out += "  " + Pad(sys::ArchLabel(a.arch), 20) + (a.native ? "native  " : c.yellow() + "compat  " + c.reset()) +
           ArchLine(a) + "\n";
    if (!a.note.empty()) out += "  " + std::string(28, ' ') + c.yellow() + a.note + c.reset() + "\n";
  }

  out += "\n" + c.bold() + "risky syscalls (" + std::to_string(r.risky.size()) + ")" + c.reset() + "\n";
  std::optional<RiskCategory> last;
  size_t width = 0;
  for (const auto& f : r.risky) width = std::max(width, f.name.size());
  for (const auto& f : r.risky) {
    if (!last || *last != f.risk->category) out += "  " + std::string(CategoryName(f.risk->category)) + "\n";
    last = f.risk->category;
    out += "    " + c.red() + Pad(f.name, width) + c.reset() + "  " + Pad(std::string(AllowanceName(f.allowance)), 11) +
           " Docker: " + Pad(std::string(AllowanceName(f.docker)), 11) + " [" + ArchList(f.arches) + "]" +
           OriginSuffix(f) + "\n";
    out += "    " + std::string(width + 2, ' ') + std::string(f.risk->reason) + "\n";
  }

  out += "\n" + c.bold() + "allowed beyond Docker's default (" + std::to_string(r.beyond_docker.size()) + ")" +
         c.reset() + "\n";
  width = 0;
  for (const auto& f : r.beyond_docker) width = std::max(width, f.name.size());
  for (const auto& f : r.beyond_docker) {
    out += "    " + Pad(f.name, width) + "  here: " + f.treatment +
           "; Docker: " + std::string(AllowanceName(f.docker)) + " [" + ArchList(f.arches) + "]" + OriginSuffix(f) +
           "\n";
  }

  out += "\n" + c.bold() + "where the allowed syscalls come from (" + std::to_string(AllowedCount(r)) + ")" +
         c.reset() + "\n";
  for (const auto& g : r.origins) {
    const bool warn = g.origin == profile::Origin::kReachableOnly;
    out += "  " + (warn ? c.yellow() : std::string()) + std::string(profile::OriginName(g.origin)) + " (" +
           std::to_string(g.names.size()) + ")" + (warn ? c.reset() : std::string()) + "\n";
    if (r.origins.size() == 1 && g.origin == profile::Origin::kUnlabelled) {
      out += "    no entry comment says where they come from (not a profile written by profilegen generate)\n";
    } else {
      out += Wrapped(g.names, 4);
    }
  }

  out += "\n" + c.bold() + "argument guards (" + std::to_string(r.guards.size()) + ")" + c.reset() + "\n";
  for (const auto& g : r.guards) {
    out += "    " + (g.present ? c.green() + "present " : c.red() + "MISSING ") + c.reset() + g.name + " [" +
           ArchList(g.arches) + "]: " + g.detail + "\n";
  }

  out += "\n" + c.bold() + "rules not applied as written (" + std::to_string(r.rule_effects.size()) + ")" + c.reset() +
         "\n";
  for (const auto& f : r.rule_effects) {
    const bool high = f.severity == RuleSeverity::kHigh;
    out += "    " + (high ? c.red() : f.severity == RuleSeverity::kInfo ? c.dim() : c.yellow()) +
           Pad(std::string(RuleSeverityName(f.severity)), 7) + c.reset() + f.syscall + " [" + ArchList(f.arches) +
           "] " + std::string(profile::RuleFateName(f.fate)) + ": " + f.rule + "\n";
    out += "           " + f.effect + "\n";
  }

  out += "\n" + c.bold() + "ENOSYS probes (" + std::to_string(r.enosys_probes.size()) + ")" + c.reset() + "\n";
  for (const auto& f : r.enosys_probes) out += "    " + f.name + " [" + ArchList(f.arches) + "]: " + f.treatment + "\n";

  if (!r.notes.empty()) {
    out += "\n" + c.bold() + "loader notes (" + std::to_string(r.notes.size()) + ")" + c.reset() + "\n";
    for (const auto& n : r.notes) out += "    " + n + "\n";
  }
  out += "\n" + c.bold() + Headline(r) + c.reset() + "\n";
  return out;
}

std::string FormatAuditMarkdown(const AuditReport& r, const std::string& file) {
  std::string out = "### Seccomp profile audit: " + Headline(r) + "\n\n`" + MarkdownCell(file) +
                    "`, effective policy for " + DescribeTarget(r.target) + ".";
  if (r.seccomp_off) return out + "\n";
  out += " Default action `" + DescribeVerdict(r.default_verdict) + "`.\n\n";
  out += "| arch | ABI | allowed | conditional | cacheable | note |\n|---|---|---|---|---|---|\n";
  for (const auto& a : r.arches) {
    out += "| " + sys::ArchLabel(a.arch) + " | " + (a.native ? "native" : "compat") + " | " + std::to_string(a.allowed) +
           " | " + std::to_string(a.conditional) + " | " + std::to_string(a.cacheable) + " | " + MarkdownCell(a.note) +
           " |\n";
  }
  if (!r.risky.empty()) {
    out +=
        "\n**Risky syscalls**\n\n| category | syscall | here | Docker default | arches | why "
        "|\n|---|---|---|---|---|---|\n";
    for (const auto& f : r.risky) {
      out += "| " + std::string(CategoryName(f.risk->category)) + " | `" + f.name + "` | " +
             std::string(AllowanceName(f.allowance)) + " | " + std::string(AllowanceName(f.docker)) + " | " +
             ArchList(f.arches) + " | " + MarkdownCell(f.risk->reason) + " |\n";
    }
  }
  if (!r.beyond_docker.empty()) {
    out += "\n**Allowed beyond Docker's default**\n\n| syscall | here | Docker default | arches |\n|---|---|---|---|\n";
    for (const auto& f : r.beyond_docker) {
      out += "| `" + f.name + "` | `" + MarkdownCell(f.treatment) + "` | " + std::string(AllowanceName(f.docker)) +
             " | " + ArchList(f.arches) + " |\n";
    }
  }
  if (!r.guards.empty()) {
    out += "\n**Argument guards**\n\n| | syscall | arches | detail |\n|---|---|---|---|\n";
    for (const auto& g : r.guards) {
      out += std::string("| ") + (g.present ? "present" : ":warning: missing") + " | `" + g.name + "` | " +
             ArchList(g.arches) + " | " + MarkdownCell(g.detail) + " |\n";
    }
  }
  if (!r.rule_effects.empty()) {
    out += "\n**Rules not applied as written**\n\n| severity | syscall | arches | fate | rule | effect |\n"
           "|---|---|---|---|---|---|\n";
    for (const auto& f : r.rule_effects) {
      out += std::string("| ") + (f.severity == RuleSeverity::kHigh ? ":warning: " : "") +
             std::string(RuleSeverityName(f.severity)) + " | `" + f.syscall + "` | " + ArchList(f.arches) + " | " +
             std::string(profile::RuleFateName(f.fate)) + " | `" + MarkdownCell(f.rule) + "` | " +
             MarkdownCell(f.effect) + " |\n";
    }
  }
  if (!r.origins.empty() && !(r.origins.size() == 1 && r.origins[0].origin == profile::Origin::kUnlabelled)) {
    out += "\n**Where the allowed syscalls come from**\n\n| origin | count | syscalls |\n|---|---|---|\n";
    for (const auto& g : r.origins) {
      std::string names;
      for (const auto& n : g.names) names += (names.empty() ? "`" : ", `") + n + "`";
      out += "| " + std::string(profile::OriginName(g.origin)) + " | " + std::to_string(g.names.size()) + " | " +
             names + " |\n";
    }
  }
  if (!r.enosys_probes.empty()) {
    out += "\n**ENOSYS probes:** ";
    for (size_t i = 0; i < r.enosys_probes.size(); ++i) out += (i ? ", `" : "`") + r.enosys_probes[i].name + "`";
    out += "\n";
  }
  return out;
}

ordered_json AuditToJson(const AuditReport& r, const std::string& file) {
  ordered_json j;
  j["profilegen"] = "audit";
  j["version"] = 1;
  j["profile"] = file;
  j["target"] = TargetToJson(r.target);
  j["seccomp"] = r.seccomp_off ? "off" : "on";
  j["default_action"] = r.seccomp_off ? ordered_json(nullptr) : VerdictToJson(r.default_verdict);
  ordered_json arches = ordered_json::array();
  for (const auto& a : r.arches) {
    arches.push_back({{"arch", sys::ArchLabel(a.arch)},
                      {"native", a.native},
                      {"allowed", a.allowed},
                      {"conditional", a.conditional},
                      {"cacheable", a.cacheable},
                      {"known", a.names_on_arch},
                      {"note", a.note}});
  }
  j["arches"] = std::move(arches);
  auto list = [](const std::vector<AuditFinding>& v) {
    ordered_json a = ordered_json::array();
    for (const auto& f : v) a.push_back(FindingToJson(f));
    return a;
  };
  j["risky"] = list(r.risky);
  j["beyond_docker"] = list(r.beyond_docker);
  ordered_json guards = ordered_json::array();
  for (const auto& g : r.guards) {
    std::vector<std::string> a;
    for (auto x : g.arches) a.push_back(sys::ArchLabel(x));
    guards.push_back({{"name", g.name}, {"arches", a}, {"present", g.present}, {"detail", g.detail}});
  }
  j["guards"] = std::move(guards);
  j["enosys_probes"] = list(r.enosys_probes);
  ordered_json effects = ordered_json::array();
  for (const auto& f : r.rule_effects) effects.push_back(RuleFindingToJson(f));
  j["rule_effects"] = std::move(effects);
  ordered_json origins = ordered_json::object();
  for (const auto& g : r.origins) origins[std::string(profile::OriginName(g.origin))] = g.names;
  j["origins"] = std::move(origins);
  j["notes"] = r.notes;
  return j;
}

std::string FormatAudit(const AuditReport& report, const std::string& file, OutputFormat format, bool colour) {
  switch (format) {
    case OutputFormat::kText:
      return FormatAuditText(report, file, colour);
    case OutputFormat::kMarkdown:
      return FormatAuditMarkdown(report, file);
    case OutputFormat::kJson:
      return DumpCanonical(AuditToJson(report, file));
  }
  return {};
}

}  // namespace profilegen::review

#include "profile/origin.h"

#include <optional>
#include <set>
#include <vector>

namespace profilegen::profile {
namespace {

std::vector<std::string> Split(std::string_view text, std::string_view sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t at; (at = text.find(sep, start)) != std::string_view::npos; start = at + sep.size()) {
    out.emplace_back(text.substr(start, at - start));
  }
  out.emplace_back(text.substr(start));
  return out;
}

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// The label a comment component starts with, if any.
std::optional<Origin> LabelOf(std::string_view component) {
  if (StartsWith(component, kReachableOnlyWord)) return Origin::kReachableOnly;
  if (StartsWith(component, kRuntimeLayerWords)) return Origin::kRuntimeLayer;
  if (StartsWith(component, kObservedWord)) return Origin::kObserved;
  return std::nullopt;
}

// Strength when several entries allow a name: observed beats the layer beats reachable-only.
int Strength(Origin o) {
  switch (o) {
    case Origin::kObserved:
      return 3;
    case Origin::kRuntimeLayer:
      return 2;
    case Origin::kReachableOnly:
      return 1;
    case Origin::kUnlabelled:
      return 0;
  }
  return 0;
}

void Label(std::map<std::string, Origin>& out, const std::string& name, Origin o) {
  auto [it, inserted] = out.try_emplace(name, o);
  if (!inserted && Strength(o) > Strength(it->second)) it->second = o;
}

// One piece of a comment, split at ": " into components: "[file: ]observed in 1/2 runs, first by /x: a b" (the
// names follow the labelled component) or "clone: observed in ...", a guarded entry (the name precedes it).
// Only the entry's own names count, so free text never labels anything.
void ReadPiece(const std::string& piece, const std::set<std::string>& names, std::map<std::string, Origin>& out) {
  std::vector<std::string> parts = Split(piece, ": ");
  for (size_t i = 0; i < parts.size(); ++i) {
    std::optional<Origin> o = LabelOf(parts[i]);
    if (!o) continue;
    // The names are the component right after the label ("...: capget capset (its clone3 ...: see ...)").
    const std::string& listed = i + 1 < parts.size() ? parts[i + 1] : (i > 0 ? parts[i - 1] : std::string());
    for (const std::string& token : Split(listed, " ")) {
      if (names.count(token)) Label(out, token, *o);
    }
    return;
  }
}

}  // namespace

std::string_view OriginName(Origin o) {
  switch (o) {
    case Origin::kUnlabelled:
      return "unlabelled";
    case Origin::kObserved:
      return "observed";
    case Origin::kRuntimeLayer:
      return "runtime-layer";
    case Origin::kReachableOnly:
      return "reachable-only";
  }
  return "unlabelled";
}

std::map<std::string, Origin> AllowedOrigins(const Profile& profile) {
  std::map<std::string, Origin> out;
  for (const Rule& rule : profile.syscalls) {
    if (rule.action != Action::kAllow && rule.action != Action::kLog) continue;
    const std::set<std::string> names(rule.names.begin(), rule.names.end());
    for (const std::string& segment : Split(rule.comment, " | ")) {
      for (const std::string& piece : Split(segment, "; ")) ReadPiece(piece, names, out);
    }
    for (const std::string& n : rule.names) Label(out, n, Origin::kUnlabelled);
  }
  return out;
}

Origin OriginOf(const std::map<std::string, Origin>& origins, const std::string& name) {
  auto it = origins.find(name);
  return it == origins.end() ? Origin::kUnlabelled : it->second;
}

}  // namespace profilegen::profile

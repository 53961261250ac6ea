#include "review/policy.h"

#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>

namespace profilegen::review {

using profile::Action;
using profile::ArgCondition;
using profile::Op;
using profile::SyscallPolicy;
using profile::Verdict;

std::string_view AllowanceName(Allowance a) {
  switch (a) {
    case Allowance::kNever: return "denied";
    case Allowance::kConditional: return "conditional";
    case Allowance::kAlways: return "allowed";
  }
  return "denied";
}

bool VerdictAllows(const Verdict& v) { return v.action == Action::kAllow || v.action == Action::kLog; }

Allowance AllowanceOf(const SyscallPolicy* policy, const Verdict& default_verdict) {
  if (!policy || policy->rules.empty()) return VerdictAllows(default_verdict) ? Allowance::kAlways : Allowance::kNever;
  if (policy->Unconditional()) return VerdictAllows(policy->rules[0].verdict) ? Allowance::kAlways : Allowance::kNever;
  bool any_allow = VerdictAllows(default_verdict);
  bool all_allow = VerdictAllows(default_verdict);
  for (const auto& r : policy->rules) {
    any_allow = any_allow || VerdictAllows(r.verdict);
    all_allow = all_allow && VerdictAllows(r.verdict);
  }
  if (all_allow) return Allowance::kAlways;  // every rule and the fall-through allow: the conditions decide nothing
  return any_allow ? Allowance::kConditional : Allowance::kNever;
}

namespace {

std::string Number(uint64_t v) {
  if (v <= 4096) return std::to_string(v);
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

std::string ErrnoName(uint64_t e) {
  if (e > 0 && e < 4096) {
    if (const char* n = strerrorname_np(static_cast<int>(e))) return n;
  }
  return std::to_string(e);
}

std::optional<uint64_t> ErrnoFromName(std::string_view name) {
  return profile::ErrnoFromString(name);  // the one errno table (profile/model.cpp)
}

std::string DescribeVerdict(const Verdict& v) {
  std::string s(profile::ActionName(v.action));
  if (s.rfind("SCMP_ACT_", 0) == 0) s = s.substr(9);
  if (profile::ActionTakesErrno(v.action)) s += "(" + ErrnoName(v.errno_ret) + ")";
  return s;
}

std::string DescribeCondition(const ArgCondition& c) {
  std::string arg = "arg" + std::to_string(c.index);
  switch (c.op) {
    case Op::kNe: return arg + " != " + Number(c.value);
    case Op::kLt: return arg + " < " + Number(c.value);
    case Op::kLe: return arg + " <= " + Number(c.value);
    case Op::kEq: return arg + " == " + Number(c.value);
    case Op::kGe: return arg + " >= " + Number(c.value);
    case Op::kGt: return arg + " > " + Number(c.value);
    case Op::kMaskedEq: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(c.value));
      return arg + " & " + buf + " == " + Number(c.value_two);
    }
  }
  return arg;
}

std::string DescribePolicy(const SyscallPolicy* policy, const Verdict& default_verdict) {
  if (!policy || policy->rules.empty()) return "default " + DescribeVerdict(default_verdict);
  if (policy->Unconditional()) return DescribeVerdict(policy->rules[0].verdict);
  std::string s;
  for (const auto& r : policy->rules) {
    if (!s.empty()) s += " | ";
    s += DescribeVerdict(r.verdict);
    if (!r.conditions.empty()) {
      s += " if ";
      for (size_t i = 0; i < r.conditions.size(); ++i) {
        if (i) s += " && ";
        s += DescribeCondition(r.conditions[i]);
      }
    }
  }
  return s + " | else " + DescribeVerdict(default_verdict);
}

uint32_t CloneFlagsArg(sys::ArchToken arch) {
  auto info = sys::ArchByToken(arch);
  if (info && (info->native == "s390x" || info->native == "s390")) return 1;
  return 0;
}

namespace {

// Whether some value with `bit` set satisfies this one condition (conditions on other arguments: always).
bool ConditionAdmitsBit(const ArgCondition& c, uint32_t flags_arg, uint64_t bit) {
  if (c.index != flags_arg) return true;
  switch (c.op) {
    case Op::kEq: return (c.value & bit) != 0;
    case Op::kMaskedEq: return (c.value & bit) == 0 || (c.value_two & bit) != 0;
    case Op::kLt: return bit < c.value;
    case Op::kLe: return bit <= c.value;
    case Op::kNe:
    case Op::kGe:
    case Op::kGt: return true;
  }
  return true;
}

// Whether this condition holds for every value with `bit` set (a deny-list rule "flags & BIT == BIT").
bool ConditionCoversBit(const ArgCondition& c, uint32_t flags_arg, uint64_t bit) {
  if (c.index != flags_arg) return false;
  switch (c.op) {
    case Op::kMaskedEq: return (c.value & ~bit) == 0 && (c.value_two & c.value) == (c.value & bit);
    case Op::kGe: return c.value <= bit;
    case Op::kNe: return c.value == 0;
    default: return false;
  }
}

}  // namespace

bool ClonePermitsNamespaces(sys::ArchToken arch, const SyscallPolicy* policy, const Verdict& default_verdict) {
  if (!policy || policy->rules.empty()) return VerdictAllows(default_verdict);
  const uint32_t flags_arg = CloneFlagsArg(arch);
  for (uint64_t bit = 1; bit != 0; bit <<= 1) {
    if (!(kCloneNamespaceFlags & bit)) continue;
    bool denied_for_sure = false;
    for (const auto& r : policy->rules) {
      bool admits = true;
      for (const auto& c : r.conditions) admits = admits && ConditionAdmitsBit(c, flags_arg, bit);
      if (admits && VerdictAllows(r.verdict)) return true;
      bool covers = true;  // the rule matches every value with `bit` set
      for (const auto& c : r.conditions) covers = covers && ConditionCoversBit(c, flags_arg, bit);
      if (covers && !VerdictAllows(r.verdict)) denied_for_sure = true;
    }
    if (VerdictAllows(default_verdict) && !denied_for_sure) return true;
  }
  return false;
}

}  // namespace profilegen::review

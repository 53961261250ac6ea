#include "profile/go_decode.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>

namespace profilegen::profile::parsing {

namespace {

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

struct Field {
  std::string key;  // as written
  const JVal* value;
};
// canonical key -> its occurrences, in document order (Go: the last one wins)
using Fields = std::map<std::string, std::vector<Field>, std::less<>>;

class Decoder {
 public:
  Decoder(DiagnosticLog& log, Lint& lint, Profile& out) : log_(log), lint_(lint), p_(out) {}

  void Document(const JVal& root) {
    if (root.kind == JVal::Kind::kNull) {
      lint_.NullDocument();
      return;
    }
    if (root.kind != JVal::Kind::kObject) {
      log_.Error("", "a profile must be a JSON object, got " + KindName(root));
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
    DocumentInfo doc;
    if (const Field* sc = Last(f, "syscalls")) doc.rule_count = ReadSyscalls(*sc);
    if (const Field* da = Last(f, "defaultAction")) {
      doc.default_action_key = da->key;
      doc.default_action_invalid = da->value->kind == JVal::Kind::kString && !da->value->text().empty();
      doc.default_action_wrong_type = da->value->kind != JVal::Kind::kString && da->value->kind != JVal::Kind::kNull;
    }
    lint_.Document(doc, p_);
  }

 private:
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
        log_.Warn(p, "unknown key " + Quote(key) + log_.Hint(key, known) + ": the loaders ignore it");
        continue;
      }
      if (*canon != key) {
        log_.Warn(p, "key " + Quote(key) + " is read as \"" + *canon +
                         "\" (Go matches keys ignoring case); write it as \"" + *canon + "\"");
      }
      auto& occurrences = fields[*canon];
      if (!occurrences.empty()) {
        log_.Warn(p, "duplicate key \"" + *canon + "\": the loaders use the last one and ignore the earlier");
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
    if (v.kind != JVal::Kind::kNull) log_.Error(path, std::string("expected ") + what + ", got " + KindName(v));
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
        log_.Error(path, "expected an unsigned integer, got " +
                             (v.Negative() == 0 ? std::string("-0") : std::to_string(v.Negative())) +
                             " (the loaders fail on negative numbers)");
        return std::nullopt;
      case JVal::Kind::kFloat: {
        const std::string& t = v.text();
        if (!t.empty() && t[0] == '-') {
          log_.Error(path, "expected an unsigned integer, got " + Shown(t) + " (the loaders fail on negative numbers)");
        } else if (std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; })) {
          log_.Error(path, Shown(t) + " does not fit in 64 bits (the largest value is 18446744073709551615)");
        } else {
          log_.Error(path,
                     "expected an unsigned integer, got " + Shown(t) + " (the loaders fail on fractions and exponents)");
        }
        return std::nullopt;
      }
      default: log_.Error(path, "expected an unsigned integer, got " + KindName(v)); return std::nullopt;
    }
  }

  // The model holds an action as one of the loaders' names: an unknown one cannot be decoded.
  std::optional<Action> ReadAction(const JVal& v, const std::string& path, bool* empty) {
    std::string s;
    if (!ReadString(v, path, s) || s.empty()) {
      *empty = v.kind == JVal::Kind::kNull || v.kind == JVal::Kind::kString;
      return std::nullopt;
    }
    *empty = false;
    auto a = ActionFromString(s);
    if (!a) log_.Error(path, "unknown action " + Quote(s) + log_.Hint(s, ActionNames()));
    return a;
  }

  // -------------------------------------------------------------------------------------------------------------
  void ReadDefault(const Fields& f) {
    if (const Field* da = Last(f, "defaultAction")) {
      bool empty = false;
      p_.default_action = ReadAction(*da->value, da->key, &empty);
      lint_.DefaultAction(da->key, p_);
    }
    if (const Field* de = Last(f, "defaultErrnoRet")) {
      p_.default_errno_ret = ReadUint(*de->value, de->key);
      lint_.DefaultErrnoRet(de->key, p_);
    }
    if (const Field* dn = Last(f, "defaultErrno")) {
      std::string s;
      ReadString(*dn->value, dn->key, s);
      if (!s.empty()) p_.podman_default_errno = s;
      lint_.DefaultErrno(dn->key, s, p_);
    }
    lint_.DefaultsRead(p_);
  }

  void ReadArchName(const JVal& v, const std::string& path, std::vector<std::string>& out, bool error_if_unknown,
                    const char* unknown_consequence) {
    std::string s;
    ReadString(v, path, s);
    out.push_back(s);
    lint_.ArchName(path, s, error_if_unknown, unknown_consequence);
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
            lint_.ArchMapArchitecture(Member(path, a->key), am->key, i, entry.architecture);
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
    if (ar) lint_.Architectures(ar->key, p_);
  }

  void ReadFlags(const Field& fl) {
    if (fl.value->kind == JVal::Kind::kNull) return;  // nil: absent
    std::vector<std::string> flags;
    ReadStringList(*fl.value, fl.key, flags);
    if (fl.value->kind != JVal::Kind::kArray) return;
    for (size_t i = 0; i < flags.size(); ++i) {
      if (fl.value->items()[i].kind != JVal::Kind::kString) continue;  // already reported
      lint_.Flag(Index(fl.key, i), flags[i]);
    }
    p_.flags = std::move(flags);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Returns how many entries the list has.
  size_t ReadSyscalls(const Field& sc) {
    lint_.SyscallsKey(sc.key);
    if (!ExpectKind(*sc.value, sc.key, JVal::Kind::kArray, "a list")) return 0;
    for (size_t i = 0; i < sc.value->items().size(); ++i) {
      const JVal& item = sc.value->items()[i];
      const std::string path = Index(sc.key, i);
      Rule rule;
      if (item.kind != JVal::Kind::kObject) {
        log_.Error(path, "expected an object, got " + KindName(item));
      } else {
        ReadRule(item, path, i, rule);
      }
      // Past the diagnostics bound, with errors, the model means nothing: stop growing it (a hostile file of a
      // million entries must not cost a million rules).
      if (!(log_.Full() && log_.HasError())) p_.syscalls.push_back(std::move(rule));
    }
    return sc.value->items().size();
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
    lint_.NameAndNames(name_path, single, rule);

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
    if (action_empty) lint_.MissingAction(action_path);

    if (const Field* e = Last(f, "errnoRet")) {
      const std::string errno_path = Member(path, e->key);
      rule.errno_ret = ReadUint(*e->value, errno_path);
      info.errno_ok = rule.errno_ret || e->value->kind == JVal::Kind::kNull;
      lint_.RuleErrnoRet(errno_path, rule, info);
    }
    if (const Field* e = Last(f, "errno")) {
      const std::string ep = Member(path, e->key);
      std::string s;
      ReadString(*e->value, ep, s);
      if (!s.empty()) rule.podman_errno = s;
      lint_.RuleErrno(ep, s, rule, info);
    }

    if (const Field* a = Last(f, "args")) ReadArgs(*a, Member(path, a->key), rule, info);
    if (const Field* c = Last(f, "comment")) ReadString(*c->value, Member(path, c->key), rule.comment);
    for (const char* key : {"includes", "excludes"}) ReadFilters(f, key, path, rule);

    if (!single.empty()) rule.names.push_back(single);
    lint_.Names(rule, names_path, name_path, single, info);
  }

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
        log_.Error(ap, "expected an object, got " + KindName(item));
        info.args_ok = false;
        rule.args.push_back(c);
        continue;
      }
      static const JVal kEmpty = MakeVal(JVal::Kind::kObject);
      Fields f = Collect(item.kind == JVal::Kind::kObject ? item : kEmpty, ap, kKeys);
      if (const Field* x = Last(f, "index")) {
        auto v = ReadUint(*x->value, Member(ap, x->key));
        if (v && !lint_.ArgIndex(Member(ap, x->key), *v)) ok = false;
        c.index = static_cast<uint32_t>(std::min<uint64_t>(v.value_or(0), UINT32_MAX));
        if (!v && x->value->kind != JVal::Kind::kNull) ok = false;
      }
      std::string value_two_path;
      bool has_value_two = false;
      if (const Field* x = Last(f, "value")) {
        auto v = ReadUint(*x->value, Member(ap, x->key));
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
      const Field* x = Last(f, "op");
      if (x) {
        op_path = Member(ap, x->key);
        ReadString(*x->value, op_path, op);
      }
      if (op.empty()) {
        if (!x || x->value->kind == JVal::Kind::kString || x->value->kind == JVal::Kind::kNull) {
          lint_.MissingOp(op_path);
        }
        ok = false;
      } else if (auto o = OpFromString(op)) {
        c.op = *o;
      } else {
        log_.Error(op_path, "unknown operator " + Quote(op) + log_.Hint(op, OpNames()));
        ok = false;
      }
      if (ok) lint_.Condition(ap, value_two_path, has_value_two, c);
      if (!ok) info.args_ok = false;
      ++per_index[c.index];
      rule.args.push_back(c);
    }
    lint_.RepeatedIndexes(path, per_index, rule, info);
  }

  // includes or excludes: moby's *Filter and podman's Filter differ only when a null follows an object.
  void ReadFilters(const Fields& f, const char* key, const std::string& path, Rule& rule) {
    const Field* flt = Last(f, key);
    if (!flt) return;
    const std::string fp = Member(path, flt->key);
    Filter& moby = key[0] == 'i' ? rule.includes : rule.excludes;
    std::optional<Filter>& podman = key[0] == 'i' ? rule.podman_includes : rule.podman_excludes;
    bool any_object = false;
    for (const auto& occ : f.find(key)->second) {
      const JVal& v = *occ.value;
      any_object |= v.kind == JVal::Kind::kObject;
      if (v.kind != JVal::Kind::kObject) ExpectKind(v, Member(path, occ.key), JVal::Kind::kObject, "an object");
    }
    if (!any_object) return;
    if (flt->value->kind == JVal::Kind::kObject) ReadFilter(MergedObject(f, key, true), fp, moby);
    // podman's reading differs only when a null came after an object; read it quietly (same members).
    Filter all;
    const DiagnosticLog::Mark mark = log_.Here();
    ReadFilter(MergedObject(f, key), fp, all);
    log_.Rewind(mark);
    if (!(all == moby)) {
      podman = all;
      log_.Warn(fp, std::string("\"") + key + "\" is repeated and a later one is null: Docker reads " +
                        (moby.empty() ? "no filter" : "only what follows the null") +
                        ", podman keeps the earlier members; write one \"" + key + "\"");
    }
  }

  void ReadFilter(const JVal& obj, const std::string& path, Filter& filter) {
    static const std::vector<std::string> kKeys{"caps", "arches", "minKernel"};
    Fields f = Collect(obj, path, kKeys);
    if (const Field* c = Last(f, "caps")) {
      const std::string cp = Member(path, c->key);
      ReadStringList(*c->value, cp, filter.caps);
      for (size_t i = 0; i < filter.caps.size(); ++i) lint_.Capability(Index(cp, i), filter.caps[i]);
    }
    if (const Field* a = Last(f, "arches")) {
      const std::string ap = Member(path, a->key);
      ReadStringList(*a->value, ap, filter.arches);
      for (size_t i = 0; i < filter.arches.size(); ++i) lint_.FilterArch(Index(ap, i), filter.arches[i]);
    }
    if (const Field* k = Last(f, "minKernel")) {
      const std::string kp = Member(path, k->key);
      if (k->value->kind != JVal::Kind::kNull) {
        if (k->value->kind != JVal::Kind::kString) {
          log_.Error(kp, "expected a string \"X.Y\", got " + KindName(*k->value) + " (Docker fails)");
        } else {
          filter.min_kernel = k->value->text();
          lint_.MinKernel(kp, filter.min_kernel);
        }
      }
    }
  }

  DiagnosticLog& log_;
  Lint& lint_;
  Profile& p_;
};

}  // namespace

void DecodeProfile(const JVal& root, DiagnosticLog& log, Lint& lint, Profile& out) {
  Decoder(log, lint, out).Document(root);
}

}  // namespace profilegen::profile::parsing

#include "reach/summary.h"

#include <nlohmann/json.hpp>

#include "base/error.h"

namespace profilegen::reach {
namespace {

using nlohmann::json;

json ValueJson(const Value& v) { return json::array({static_cast<int>(v.kind), v.v}); }
Value ValueFrom(const json& j) { return {static_cast<Value::Kind>(j.at(0).get<int>()), j.at(1).get<int64_t>()}; }

}  // namespace

std::vector<uint8_t> SerializeSummary(const BinarySummary& s) {
  json fs = json::array();
  for (const Function& f : s.functions) {
    json calls = json::array();
    for (const ImportCall& c : f.imports) calls.push_back({c.name, ValueJson(c.rax), ValueJson(c.rdi), ValueJson(c.rsi)});
    json sc = json::array();
    for (const SyscallNumber& n : f.syscalls) sc.push_back({n.arch, n.nr});
    fs.push_back({f.addr, f.name, sc, f.unresolved, f.wrapper_reg, f.callees, calls});
  }
  json j = {{"version", kAnalysisVersion}, {"path", s.path},         {"is64", s.is64},
            {"interp", s.interp},          {"needed", s.needed},     {"runpath", s.runpath},
            {"functions", fs},             {"imports", s.import_names}, {"exports", s.exports},
            {"roots", s.roots},            {"imported_roots", s.imported_roots}, {"entry", s.entry},
            {"instructions", s.instructions}, {"dlsym_names", s.dlsym_names}};
  return json::to_msgpack(j);
}

BinarySummary DeserializeSummary(const std::vector<uint8_t>& bytes) {
  try {
    json j = json::from_msgpack(bytes);
    if (j.at("version").get<int>() != kAnalysisVersion) throw Error("cache entry of another analysis version");
    BinarySummary s;
    s.path = j.at("path");
    s.is64 = j.at("is64");
    s.interp = j.at("interp");
    s.needed = j.at("needed").get<std::vector<std::string>>();
    s.runpath = j.at("runpath").get<std::vector<std::string>>();
    s.import_names = j.at("imports").get<std::vector<std::string>>();
    s.exports = j.at("exports").get<std::map<std::string, uint32_t>>();
    s.roots = j.at("roots").get<std::vector<uint32_t>>();
    s.imported_roots = j.at("imported_roots").get<std::vector<uint32_t>>();
    s.entry = j.at("entry");
    s.instructions = j.at("instructions");
    s.dlsym_names = j.at("dlsym_names").get<std::vector<std::string>>();
    for (const json& fj : j.at("functions")) {
      Function f;
      f.addr = fj.at(0);
      f.name = fj.at(1);
      for (const json& n : fj.at(2)) f.syscalls.push_back({n.at(0).get<sys::ArchToken>(), n.at(1).get<int64_t>()});
      f.unresolved = fj.at(3).get<std::vector<uint64_t>>();
      f.wrapper_reg = fj.at(4);
      f.callees = fj.at(5).get<std::vector<uint32_t>>();
      for (const json& c : fj.at(6)) {
        f.imports.push_back({c.at(0).get<uint32_t>(), ValueFrom(c.at(1)), ValueFrom(c.at(2)), ValueFrom(c.at(3))});
      }
      s.functions.push_back(std::move(f));
    }
    return s;
  } catch (const json::exception& e) {
    throw Error(std::string("unreadable cache entry: ") + e.what());
  }
}

}  // namespace profilegen::reach

#include "trace/log_source.h"

#include <algorithm>

#include "trace/section_fields.h"

namespace profilegen::trace {
using section::Count;
using section::Fail;
using section::Text;

std::vector<LogSource> ParseSourceList(const nlohmann::json& list, const ContainerFail& fail) {
  std::vector<LogSource> out;
  if (!list.is_array()) Fail(fail, "sources", "expected an array");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string where = "sources[" + std::to_string(i) + "]";
    const nlohmann::json& e = list[i];
    if (!e.is_object()) Fail(fail, where, "expected an object");
    LogSource s;
    s.kind = Text(e, "kind", fail, where);
    if (s.kind != "kernel-log") Fail(fail, where + ".kind", "expected \"kernel-log\", got \"" + s.kind + "\"");
    s.log = Text(e, "log", fail, where);
    s.since = Text(e, "since", fail, where);
    s.until = Text(e, "until", fail, where);
    s.match = Text(e, "match", fail, where);
    s.records = Count(e, "records", fail, where);
    s.dropped = Count(e, "dropped", fail, where);
    out.push_back(std::move(s));
  }
  return out;
}

nlohmann::ordered_json LogSourceJson(const LogSource& s) {
  nlohmann::ordered_json e;
  e["kind"] = s.kind;
  e["log"] = s.log;
  e["since"] = s.since;
  e["until"] = s.until;
  e["match"] = s.match;
  e["records"] = s.records;
  e["dropped"] = s.dropped;
  return e;
}

void MergeSources(std::vector<LogSource>& into, const std::vector<LogSource>& from) {
  for (const LogSource& s : from)
    if (std::find(into.begin(), into.end(), s) == into.end()) into.push_back(s);
}

}  // namespace profilegen::trace

#include "trace/mapped.h"

#include "trace/read_checked.h"
#include "trace/trace.h"

namespace profilegen::trace {

nlohmann::ordered_json MappedJson(const std::set<std::string>& mapped) {
  return nlohmann::ordered_json(std::vector<std::string>(mapped.begin(), mapped.end()));
}

void ParseMappedSection(const FieldReader& r, const nlohmann::json& j, Trace& t) {
  if (!j.is_array()) r.Fail("mapped", "expected an array of file paths");
  for (size_t i = 0; i < j.size(); ++i) {
    std::string where = "mapped[" + std::to_string(i) + "]";
    std::string path = r.String(j[i], where);
    if (path.empty() || path[0] != '/') r.Fail(where, "expected an absolute path, got \"" + path + "\"");
    t.mapped.insert(std::move(path));
  }
}

}  // namespace profilegen::trace

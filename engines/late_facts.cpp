#include "engines/late_facts.h"

#include <unistd.h>

#include "base/error.h"
#include "trace/trace.h"

namespace profilegen::engines {

std::string PartialTraceName(const std::string& name) { return "." + name + ".partial"; }

void CompleteTrace(const std::string& partial, const std::string& output, const trace::ContainerFacts& facts) {
  trace::Trace t = trace::LoadTrace(partial);
  if (t.containers.size() != 1) {
    throw Error(partial + " holds " + std::to_string(t.containers.size()) +
                    " container entries, not the one of this recording: it was not written by this run",
                kExitInternal);
  }
  trace::ContainerFacts completed = facts;
  completed.no_new_privileges = t.containers[0].no_new_privileges;  // only the container could see it
  t.containers[0] = completed;
  trace::SaveTrace(t, output, kExitInternal);
  ::unlink(partial.c_str());
}

}  // namespace profilegen::engines

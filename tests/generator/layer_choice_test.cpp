#include "generator/layer_choice.h"

#include <catch2/catch.hpp>

#include "base/error.h"
#include "generator/generate.h"

using namespace profilegen;
using generator::Runtime;

namespace {

trace::Trace WithContainers(std::vector<std::pair<std::string, bool>> runs) {
  trace::Trace t;
  t.host_arch = sys::HostArch();
  for (const auto& [runtime, nnp] : runs) {
    trace::ContainerFacts f;
    f.engine = "docker";
    f.runtime = runtime;
    f.no_new_privileges = nnp;
    t.containers.push_back(f);
  }
  return t;
}

std::string Comments(const profile::Profile& p) {
  std::string all;
  for (const auto& r : p.syscalls) all += r.comment + "\n";
  return all;
}

}  // namespace

TEST_CASE("the runtime layer comes from the trace unless a flag says otherwise", "[generator]") {
  generator::GenerateOptions o;
  generator::ChooseRuntimeLayers(WithContainers({}), std::nullopt, std::nullopt, o);
  CHECK(o.runtime == Runtime::kRunc);
  CHECK_FALSE(o.no_new_privileges);
  CHECK(o.more_layers.empty());

  generator::ChooseRuntimeLayers(WithContainers({{"crun", true}}), std::nullopt, std::nullopt, o);
  CHECK(o.runtime == Runtime::kCrun);
  CHECK(o.no_new_privileges);

  generator::ChooseRuntimeLayers(WithContainers({{"crun", true}}), Runtime::kNone, std::nullopt, o);
  CHECK(o.runtime == Runtime::kNone);
  generator::ChooseRuntimeLayers(WithContainers({{"io.containerd.runc.v2", true}}), std::nullopt, false, o);
  CHECK(o.runtime == Runtime::kRunc);
  CHECK_FALSE(o.no_new_privileges);

  // podman names a runtime given by path (--runtime /usr/sbin/runc) by that path.
  generator::ChooseRuntimeLayers(WithContainers({{"/usr/sbin/runc", false}}), std::nullopt, std::nullopt, o);
  CHECK(o.runtime == Runtime::kRunc);
  generator::ChooseRuntimeLayers(WithContainers({{"/usr/local/bin/crun", true}}), std::nullopt, std::nullopt, o);
  CHECK(o.runtime == Runtime::kCrun);
  CHECK_THROWS_WITH(generator::ChooseRuntimeLayers(WithContainers({{"/opt/crun-wrapper", false}}), std::nullopt,
                                                   std::nullopt, o),
                    "a trace was recorded in a docker container run by the OCI runtime \"/opt/crun-wrapper\", which "
                    "has no runtime layer data in this profilegen: give --runtime runc, crun or none");

  CHECK_THROWS_WITH(generator::ChooseRuntimeLayers(WithContainers({{"youki", false}}), std::nullopt, std::nullopt, o),
                    "a trace was recorded in a docker container run by the OCI runtime \"youki\", which has no "
                    "runtime layer data in this profilegen: give --runtime runc, crun or none");
}

TEST_CASE("traces from different runtimes get each runtime's layer", "[generator]") {
  trace::Trace merged = WithContainers({{"runc", false}, {"crun", true}, {"runc", false}});
  generator::GenerateOptions o;
  generator::ChooseRuntimeLayers(merged, std::nullopt, std::nullopt, o);
  CHECK(o.more_layers.size() == 1);
  std::string comments = Comments(generator::Generate(merged, o).profile);
  CHECK(comments.find("runtime layer runc") != std::string::npos);
  CHECK(comments.find("(no-new-privileges=false) + runtime layer crun") != std::string::npos);
}

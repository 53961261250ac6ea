// Each tests/profile/corpus/NN-name.json is a broken (or suspicious) profile; NN-name.expected holds the exact
// diagnostics a user sees for it, one formatted line each.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>

#include "test_util.h"

using namespace profilegen;
using namespace profilegen::profile;
using namespace profilegen::profile::testing;

namespace fs = std::filesystem;

TEST_CASE("broken-profile corpus: exact diagnostics", "[profile][corpus]") {
  std::vector<fs::path> inputs;
  for (const auto& e : fs::directory_iterator(CorpusDir())) {
    if (e.path().extension() == ".json") inputs.push_back(e.path());
  }
  std::sort(inputs.begin(), inputs.end());
  REQUIRE(inputs.size() >= 30);
  size_t with_errors = 0;
  for (const auto& in : inputs) {
    fs::path expected_path = in;
    expected_path.replace_extension(".expected");
    INFO(in.filename().string());
    REQUIRE(fs::exists(expected_path));
    const std::string expected = ReadFile(expected_path.string());
    CHECK_FALSE(expected.empty());  // every corpus entry says something
    ParseResult r = ParseProfile(ReadFile(in.string()));
    CHECK(FormatAll(r, in.filename().string()) == expected);
    // The severity in the text and HasErrors agree.
    CHECK(r.HasErrors() == (expected.find(": error: ") != std::string::npos));
    with_errors += r.HasErrors();
  }
  CHECK(with_errors >= 30);
}

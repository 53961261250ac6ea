// profilegen generate at scale: 1,000 traces of 300 syscalls each, merged, turned into a profile and written.
// Target (issue): under 1 s. Two variants: from traces already in memory, and from their JSON text (what the
// CLI does, minus reading the files).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "bench/synthetic_traces.h"
#include "generator/generate.h"
#include "profile/writer.h"
#include "trace/trace.h"

namespace {

using namespace profilegen;

constexpr int kTraces = 1000;
constexpr int kSyscallsPerTrace = 300;

const std::vector<trace::Trace>& Traces() {
  static const std::vector<trace::Trace> traces = bench::SyntheticTraces(kTraces, kSyscallsPerTrace, 7);
  return traces;
}

void BM_MergeGenerateWrite(benchmark::State& state) {
  const auto& traces = Traces();
  generator::GenerateOptions options;
  options.args = generator::ArgPolicy::kStrict;
  size_t bytes = 0;
  for (auto _ : state) {
    trace::Trace merged = trace::MergeAll(traces);
    std::string text = profile::WriteProfile(generator::Generate(merged, options).profile);
    bytes = text.size();
    benchmark::DoNotOptimize(text);
  }
  state.counters["profile_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_MergeGenerateWrite)->Unit(benchmark::kMillisecond);

void BM_ParseMergeGenerateWrite(benchmark::State& state) {
  std::vector<std::string> texts;
  for (const auto& t : Traces()) texts.push_back(trace::SerializeTrace(t));
  generator::GenerateOptions options;
  options.args = generator::ArgPolicy::kStrict;
  for (auto _ : state) {
    std::vector<trace::Trace> parsed;
    parsed.reserve(texts.size());
    for (size_t i = 0; i < texts.size(); ++i) parsed.push_back(trace::ParseTrace(texts[i], "trace.json"));
    std::string text = profile::WriteProfile(generator::Generate(trace::MergeAll(parsed), options).profile);
    benchmark::DoNotOptimize(text);
  }
  size_t total = 0;
  for (const auto& t : texts) total += t.size();
  state.counters["trace_bytes"] = static_cast<double>(total);
}
BENCHMARK(BM_ParseMergeGenerateWrite)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

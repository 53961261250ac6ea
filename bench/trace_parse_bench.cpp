// Reading traces: the fast reader (simdjson, what ParseTrace uses) against the checked reader (an nlohmann DOM, the
// reader profilegen used for every trace before, kept for messages), on the same bytes in the same run.
//   BM_Parse<reader>/<traces>/<syscalls per trace>: parse every trace's JSON text.
//   BM_Generate<reader>/10000/38: what `generate` does with 10,000 small traces, minus reading the files: parse,
//   merge, generate the profile and write its text (bench/scale_bench.sh times the real command on real files).
// Compare the two readers as a ratio of their times; the absolute times depend on the machine and its load.
#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

#include "bench/synthetic_traces.h"
#include "generator/generate.h"
#include "profile/writer.h"
#include "trace/read_checked.h"
#include "trace/trace.h"

namespace {

using namespace profilegen;

// Trace texts as `profilegen record` writes them (bench/synthetic_traces.h).
std::vector<std::string> MakeTexts(int traces, int per_trace) {
  std::vector<std::string> texts;
  for (const trace::Trace& t : bench::SyntheticTraces(traces, per_trace, traces * 1000 + per_trace))
    texts.push_back(trace::SerializeTrace(t));
  return texts;
}

const std::vector<std::string>& Texts(int traces, int per_trace) {
  static std::map<std::pair<int, int>, std::vector<std::string>> cache;
  auto [it, inserted] = cache.try_emplace({traces, per_trace});
  if (inserted) it->second = MakeTexts(traces, per_trace);
  return it->second;
}

trace::Trace Checked(const std::string& text) { return trace::ParseTraceChecked(text, "trace.json"); }
trace::Trace Fast(const std::string& text) { return trace::ParseTrace(text, "trace.json"); }

void SetCounters(benchmark::State& state, const std::vector<std::string>& texts) {
  size_t bytes = 0;
  for (const auto& t : texts) bytes += t.size();
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * texts.size()));
}

template <trace::Trace (*Read)(const std::string&)>
void BM_Parse(benchmark::State& state) {
  const auto& texts = Texts(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  for (auto _ : state) {
    for (const std::string& text : texts) {
      trace::Trace t = Read(text);
      benchmark::DoNotOptimize(t);
    }
  }
  SetCounters(state, texts);
}
BENCHMARK_TEMPLATE(BM_Parse, Checked)->Args({1000, 300})->Args({10000, 38})->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_Parse, Fast)->Args({1000, 300})->Args({10000, 38})->Unit(benchmark::kMillisecond);

template <trace::Trace (*Read)(const std::string&)>
void BM_Generate(benchmark::State& state) {
  const auto& texts = Texts(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  generator::GenerateOptions options;
  for (auto _ : state) {
    trace::Trace merged = trace::MergeAll({});
    for (const std::string& text : texts) trace::Merge(merged, Read(text));
    std::string profile = profile::WriteProfile(generator::Generate(merged, options).profile);
    benchmark::DoNotOptimize(profile);
  }
  SetCounters(state, texts);
}
BENCHMARK_TEMPLATE(BM_Generate, Checked)->Args({10000, 38})->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_Generate, Fast)->Args({10000, 38})->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

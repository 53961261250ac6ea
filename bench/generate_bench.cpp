// profilegen generate at scale: 1,000 traces of 300 syscalls each, merged, turned into a profile and written.
// Target (issue): under 1 s. Two variants: from traces already in memory, and from their JSON text (what the
// CLI does, minus reading the files).
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "generator/generate.h"
#include "profile/writer.h"
#include "syscalls/syscalls.h"
#include "trace/trace.h"

namespace {

using namespace profilegen;

constexpr int kTraces = 1000;
constexpr int kSyscallsPerTrace = 300;

// Traces that look like real ones: each picks 300 of the host's first 400 syscall names (so the union is
// larger than any one trace), with counts, a few executables, and argument values for the captured syscalls.
std::vector<trace::Trace> MakeTraces() {
  const sys::ArchToken host = sys::HostArch();
  std::vector<std::string> pool = sys::NamesOn(host);
  pool.resize(std::min<size_t>(pool.size(), 400));
  std::mt19937_64 rng(7);
  std::vector<trace::Trace> traces;
  for (int t = 0; t < kTraces; ++t) {
    trace::Trace tr;
    tr.command = {"/usr/bin/app", std::to_string(t)};
    tr.host_arch = host;
    tr.kernel = "6.1.0";
    std::vector<std::string> names = pool;
    std::shuffle(names.begin(), names.end(), rng);
    names.resize(kSyscallsPerTrace);
    for (const std::string& name : names) {
      trace::SyscallRecord rec;
      rec.arch = host;
      rec.nr = sys::Resolve(host, name).nr;
      rec.name = name;
      rec.count = 1 + rng() % 5000;
      rec.first = {static_cast<int64_t>(1000 + t), "/usr/bin/app" + std::to_string(rng() % 4)};
      for (int idx : trace::CapturedArgs(name))
        for (int v = 0; v < 3; ++v) rec.args[idx].Add(rng() % 16);
      tr.syscalls.emplace(trace::SyscallKey{host, rec.nr}, std::move(rec));
    }
    traces.push_back(std::move(tr));
  }
  return traces;
}

const std::vector<trace::Trace>& Traces() {
  static const std::vector<trace::Trace> traces = MakeTraces();
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

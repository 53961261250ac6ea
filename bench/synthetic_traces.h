#pragma once
// Synthetic traces for the benchmarks that read, merge and generate (trace_parse_bench, generate_bench): shaped
// like what `profilegen record` writes, reproducible from their seed.
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "syscalls/syscalls.h"
#include "trace/trace.h"

namespace profilegen::bench {

// `traces` traces, each with `per_trace` of the host's first 400 syscall names (so their union is larger than
// any one of them), with counts, a pid, one of 50 executables, and a few argument values for the syscalls whose
// arguments record captures.
inline std::vector<trace::Trace> SyntheticTraces(int traces, int per_trace, uint64_t seed) {
  const sys::ArchToken host = sys::HostArch();
  std::vector<std::string> pool = sys::NamesOn(host);
  pool.resize(std::min<size_t>(pool.size(), 400));
  std::mt19937_64 rng(seed);
  std::vector<trace::Trace> out;
  out.reserve(traces);
  for (int i = 0; i < traces; ++i) {
    trace::Trace t;
    t.command = {"/srv/app" + std::to_string(i % 50) + "/bin/worker", "--shard", std::to_string(i)};
    t.started = "2026-11-27T21:00:00Z";
    t.host_arch = host;
    t.kernel = "6.1.0";
    t.exit.code = 0;
    t.tasks = 1 + rng() % 8;
    std::vector<std::string> names = pool;
    std::shuffle(names.begin(), names.end(), rng);
    names.resize(per_trace);
    for (const std::string& name : names) {
      trace::SyscallRecord rec;
      rec.arch = host;
      rec.nr = sys::Resolve(host, name).nr;
      rec.name = name;
      rec.count = 1 + rng() % 5000;
      rec.first = {static_cast<int64_t>(1000 + i), t.command[0]};
      for (int idx : trace::CapturedArgs(name))
        for (int v = 0; v < 3; ++v) rec.args[idx].Add(rng() % 16);
      t.syscalls.emplace(trace::SyscallKey{host, rec.nr}, std::move(rec));
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace profilegen::bench

#include "engines/engine_answers.h"

#include <unistd.h>

#include <exception>

#include "engines/cached_answers.h"
#include "engines/containers_storage.h"
#include "engines/facts_cache.h"
#include "engines/subprocess.h"

namespace profilegen::engines {
namespace {

trace::ContainerFacts FromCache(const RunCommand& run, const CachedFacts& cached) {
  trace::ContainerFacts facts;
  facts.engine = EngineName(run.engine);
  facts.engine_version = cached.engine_version;
  facts.runtime = cached.runtime;
  facts.runtime_version = cached.runtime_version;
  return facts;
}

/// The image's config: read from a local podman's image store when that is certain to give what `podman image
/// inspect` would (containers_storage.h), else asked from the engine.
ImageConfig AskImage(const RunCommand& run, const Getenv& env) {
  if (run.engine == Engine::kPodman) {
    if (std::optional<LocalImage> local = ReadLocalImage(run, env, ::geteuid())) return local->config;
  }
  return QueryImage(run);
}

/// Stores `engine` under `key` when there is one (a remote or unresolvable podman, and docker, have none).
void StoreFacts(const std::optional<CacheKey>& key, const std::string& dir, const EngineInfo& engine) {
  if (!key) return;
  StoreCacheEntry(
      dir, *key,
      CachedFactsJson({engine.facts.engine_version, engine.facts.runtime, engine.facts.runtime_version,
                       engine.runtime_path, engine.runtime_path.empty() ? FileStamp{} : StampOf(engine.runtime_path),
                       engine.image_index}));
}

/// The facts question, on its own thread: asked in its own process group (a ^C at the terminal is meant for
/// the container, and record still needs the answer), with the signals RunForeground forwards blocked here so
/// that they reach the thread that forwards them; stored in the cache under `key` when there is one.
std::future<EngineInfo> AskFacts(const RunCommand& run, const std::optional<CacheKey>& key, const std::string& dir) {
  return std::async(std::launch::async, [run, key, dir] {
    BlockForegroundSignals();
    EngineInfo engine = QueryEngine(run, ProcessGroup::kOwn);
    StoreFacts(key, dir, engine);
    return engine;
  });
}

/// A local podman's facts, read from the run (run_facts.h): only the image is asked before it. When the image
/// question fails, `podman info` says whether podman works at all, since that error comes first. When no
/// folder for the container id file can be made, `podman info` is asked during the run instead.
EngineAnswers AskDuringRun(const RunCommand& run, bool with_image, const std::optional<CacheKey>& key,
                           const std::string& dir, const Getenv& env) {
  EngineAnswers out;
  out.facts.engine = EngineName(run.engine);
  if (with_image) {
    try {
      out.image = AskImage(run, env);
    } catch (...) {
      std::exception_ptr image_error = std::current_exception();
      QueryEngine(run);  // throws the engine's error, if it has one
      std::rethrow_exception(image_error);
    }
  }
  std::optional<std::string> given = run.Last("cidfile");
  if (!given) {
    out.cidfile = NewCidfilePath();
    if (out.cidfile.empty()) {
      out.pending = AskFacts(run, key, dir);
      return out;
    }
  }
  out.run_signal = std::make_shared<RunSignal>();
  out.pending = WatchRunFacts(run, given.value_or(out.cidfile), !given, out.run_signal,
                              [key, dir](const EngineInfo& engine) { StoreFacts(key, dir, engine); });
  return out;
}

}  // namespace

EngineAnswers AskEngine(const RunCommand& run, bool with_image, bool defer_facts) {
  std::optional<CacheKey> key;
  std::string dir;
  Getenv env = ProcessEnvironment();
  // Docker's facts come from its daemon in one fast call; podman's depend only on local files (facts_cache.h).
  if (run.engine == Engine::kPodman) {
    key = PodmanCacheKey(run, env, ::geteuid());
    dir = EngineCacheDir(env, ::geteuid());
  }
  std::optional<CachedFacts> cached;
  if (key) {
    if (auto payload = LoadCacheEntry(dir, *key)) cached = ParseCachedFacts(*payload);
    if (cached && !RuntimeUnchanged(*cached, StampOf)) cached.reset();
  }
  if (!cached && defer_facts && run.engine == Engine::kPodman && !IsRemotePodman(run, env)) {
    return AskDuringRun(run, with_image, key, dir, env);
  }
  if (!cached) {
    EngineAnswers out;
    out.facts.engine = EngineName(run.engine);
    out.pending = AskFacts(run, key, dir);
    try {
      if (with_image) out.image = AskImage(run, env);
    } catch (...) {
      std::exception_ptr image_error = std::current_exception();
      out.pending.get();  // throws the engine's error, if it has one
      std::rethrow_exception(image_error);
    }
    // The image's answer is not stored: its key (the store's index stamp) was not taken before it was asked.
    if (!defer_facts) out.facts = JoinFacts(out);
    return out;
  }
  EngineAnswers out;
  out.facts = FromCache(run, *cached);
  if (!with_image) return out;
  std::optional<CacheKey> image_key = PodmanImageKey(*key, *cached, run, env);
  if (image_key) {
    if (auto payload = LoadCacheEntry(dir, *image_key)) {
      if (auto image = ParseCachedImage(*payload)) {
        out.image = *image;
        return out;
      }
    }
  }
  out.image = AskImage(run, env);
  if (image_key) StoreCacheEntry(dir, *image_key, ImageConfigJson(out.image));
  return out;
}

EngineAnswers::~EngineAnswers() {
  if (run_signal) run_signal->Leave(RunPhase::kAbandoned);
}

trace::ContainerFacts JoinFacts(EngineAnswers& answers) {
  if (answers.run_signal) answers.run_signal->Leave(RunPhase::kOver);
  if (answers.pending.valid()) answers.facts = answers.pending.get().facts;
  return answers.facts;
}

}  // namespace profilegen::engines

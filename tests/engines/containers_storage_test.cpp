// Reading an image's config from podman's store: the pure parts with small fixtures made here (in the shapes
// podman 4.3.1 wrote them on this machine), then [engine]: podman's own store against `podman image inspect`.
#include "engines/containers_storage.h"

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "engines/engine_query.h"
#include "engines/run_command.h"
#include "engines/storage_location.h"
#include "engines/subprocess.h"
#include "fake_env.h"
#include "tests/support/skip.h"

using namespace profilegen::engines;
using profilegen::engines::testing::Env;

namespace {

const std::string kA = std::string(64, 'a');
const std::string kB = "ab" + std::string(62, 'b');
const std::string kC = "abc" + std::string(61, 'c');

std::vector<StoredImage> ThreeImages() {
  return {
      {kA, {"localhost/app:latest", "localhost/app:v1"}, {"sha256:" + std::string(64, '1')}, {"manifest"}},
      {kB, {"docker.io/library/busybox:latest"}, {}, {}},
      {kC, {"quay.io/x/tool:2", "docker.io/x/tool:2"}, {}, {}},
  };
}

auto NoAlias = [](const std::string&) { return false; };

std::optional<std::string> Resolved(const std::string& ref, std::function<bool(const std::string&)> alias = NoAlias) {
  std::vector<StoredImage> images = ThreeImages();
  std::optional<size_t> i = ResolveLocalImage(images, ref, alias);
  return i ? std::optional<std::string>(images[*i].id) : std::nullopt;
}

}  // namespace

TEST_CASE("containers/storage: big data file names as containers/storage makes them", "[engines]") {
  CHECK(BigDataFileName("manifest") == "manifest");
  CHECK(BigDataFileName("sha256:cdb81293a9952e25eaf403caba935c841ea8d9b84b18f9e39fd9f678381816cc") ==
        "=c2hhMjU2OmNkYjgxMjkzYTk5NTJlMjVlYWY0MDNjYWJhOTM1Yzg0MWVhOGQ5Yjg0YjE4ZjllMzlmZDlmNjc4MzgxODE2Y2M=");
  CHECK(BigDataFileName("manifest-sha256:4d8a") == "=bWFuaWZlc3Qtc2hhMjU2OjRkOGE=");
  CHECK(BigDataFileName("ab") == "ab");
  CHECK(BigDataFileName("a") == "a");
  CHECK(BigDataFileName("A") == "A");  // the quirk: the last character is never checked
  CHECK(BigDataFileName("ab:") == "ab:");
  CHECK(BigDataFileName("a:b") == "=YTpi");
  CHECK(BigDataFileName("Ab") == "=QWI=");
}

TEST_CASE("containers/storage: images.json as podman writes it", "[engines]") {
  std::string text = R"([{"id":")" + kA + R"(","digest":"sha256:)" + std::string(64, '4') +
                     R"(","names":["localhost/podcold3-bb:v1","localhost/podcold3-bb:latest"],
      "layer":"f6","big-data-names":["sha256:)" +
                     kA + R"(","manifest"],
      "big-data-digests":{"manifest":"sha256:)" +
                     std::string(64, '4') + R"(","manifest-sha256:x":"sha256:)" + std::string(64, '5') +
                     R"(","sha256:)" + kA + R"(":"sha256:)" + kA + R"("}},
      {"id":")" + kB +
                     R"("}])";
  auto images = ParseImageIndexJson(text);
  REQUIRE(images);
  REQUIRE(images->size() == 2);
  CHECK((*images)[0].id == kA);
  CHECK((*images)[0].names.size() == 2);
  CHECK((*images)[0].digests ==
        std::vector<std::string>{"sha256:" + std::string(64, '4'), "sha256:" + std::string(64, '5')});
  CHECK((*images)[1].names.empty());
  CHECK(RepoDigests((*images)[0]) == std::vector<std::string>{"localhost/podcold3-bb@sha256:" + std::string(64, '4'),
                                                              "localhost/podcold3-bb@sha256:" + std::string(64, '5')});
  CHECK(RepoDigests((*images)[1]).empty());
  CHECK(ParseImageIndexJson("[]")->empty());
  // Anything else is not read: the caller then asks podman.
  CHECK_FALSE(ParseImageIndexJson("{}"));
  CHECK_FALSE(ParseImageIndexJson("[{\"id\":\"abc\"}]"));
  CHECK_FALSE(ParseImageIndexJson("[{\"id\":\"" + kA + "\",\"names\":\"x\"}]"));
  CHECK_FALSE(ParseImageIndexJson("[{\"id\":\"" + kA + "\",\"names\":[\"busybox\"]}]"));  // not normalized
  CHECK_FALSE(ParseImageIndexJson("[{\"id\":\"" + kA + "\",\"names\":[\"localhost/a:1\"]},{\"id\":\"" + kB +
                                  "\",\"names\":[\"localhost/a:1\"]}]"));  // one name, two images
  CHECK_FALSE(ParseImageIndexJson("[{\"id\":\"" + kA + "\",\"digest\":\"md5:1\"}]"));
  CHECK_FALSE(ParseImageIndexJson("[{\"id\":\"" + kA + "\"},{\"id\":\"" + kA + "\"}]"));
  CHECK_FALSE(ParseImageIndexJson("[{\"id\":"));
}

TEST_CASE("containers/storage: references resolved as podman looks up local images", "[engines]") {
  // localhost/ first for a short name, with :latest when no tag is given.
  CHECK(Resolved("app") == kA);
  CHECK(Resolved("app:v1") == kA);
  CHECK(Resolved("app:latest") == kA);
  CHECK(Resolved("localhost/app") == kA);
  CHECK(Resolved("localhost/app:v1") == kA);
  CHECK_FALSE(Resolved("app:v2"));
  CHECK_FALSE(Resolved("localhost/app:v2"));
  // docker.io's spelling when it is the only name that a search registry could also reach.
  CHECK(Resolved("busybox") == kB);
  CHECK(Resolved("docker.io/busybox") == kB);
  CHECK(Resolved("docker.io/library/busybox:latest") == kB);
  CHECK_FALSE(Resolved("index.docker.io/library/busybox"));
  // Two registries hold x/tool:2: which one wins is registries.conf's to say.
  CHECK_FALSE(Resolved("x/tool:2"));
  CHECK(Resolved("quay.io/x/tool:2") == kC);
  // Ids: full, with sha256:, unique prefixes; an ambiguous prefix is not guessed.
  CHECK(Resolved(kA) == kA);
  CHECK(Resolved("sha256:" + kB) == kB);
  CHECK_FALSE(Resolved("sha256:abc"));
  CHECK(Resolved("aaaa") == kA);
  CHECK(Resolved("abc") == kC);
  CHECK_FALSE(Resolved("ab"));
  CHECK_FALSE(Resolved("ffff"));
  // An alias may name another image; transports, digests and odd spellings are podman's to read.
  CHECK_FALSE(Resolved("app", [](const std::string& repo) { return repo == "app"; }));
  CHECK(Resolved("localhost/app", [](const std::string&) { return true; }) == kA);
  CHECK_FALSE(Resolved("docker:app"));
  CHECK_FALSE(Resolved("containers-storage:localhost/app"));
  CHECK_FALSE(Resolved("app@sha256:" + std::string(64, '1')));
  CHECK_FALSE(Resolved("localhost:5000/app"));
  CHECK_FALSE(Resolved("App"));
  CHECK_FALSE(Resolved("app:v1:x"));
  CHECK_FALSE(Resolved(""));
}

TEST_CASE("containers/storage: the config from the manifest and config items", "[engines]") {
  StoredImage image{kA, {"localhost/app:latest"}, {"sha256:" + std::string(64, '4')}, {}};
  std::string manifest = R"({"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json",
      "digest":"sha256:)" +
                         kA + R"(","size":519},"layers":[]})";
  std::string config = R"({"architecture":"amd64","os":"linux","config":{"User":"1000","Env":["A=b"],
      "Entrypoint":["/bin/busybox"],"Cmd":["/bin/sh","-c","echo hi"],"WorkingDir":"/tmp"}})";
  std::optional<LocalImage> got = ImageFromItems(image, manifest, config, "amd64");
  REQUIRE(got);
  CHECK(got->config.id == "sha256:" + kA);
  CHECK(got->config.digest == "localhost/app@sha256:" + std::string(64, '4'));
  CHECK(got->config.entrypoint == std::vector<std::string>{"/bin/busybox"});
  CHECK(got->config.cmd == std::vector<std::string>{"/bin/sh", "-c", "echo hi"});
  CHECK(got->config.user == "1000");
  CHECK(got->env == std::vector<std::string>{"A=b"});
  CHECK(got->workdir == "/tmp");
  // No config section, null fields: empty, as podman reports them.
  std::optional<LocalImage> bare =
      ImageFromItems(image, manifest, R"({"architecture":"amd64","os":"linux","config":{"Entrypoint":null}})", "amd64");
  REQUIRE(bare);
  CHECK(bare->config.entrypoint.empty());
  CHECK(bare->config.user.empty());
  // Docker's schema 2 manifest too.
  std::string docker = R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
      "config":{"digest":"sha256:)" +
                       kA + R"("}})";
  CHECK(ImageFromItems(image, docker, config, "amd64"));
  // What is not followed: another platform, a list, schema 1, a config that is not the image's, bad types.
  CHECK_FALSE(ImageFromItems(image, manifest, config, "arm64"));
  CHECK_FALSE(ImageFromItems(image, R"({"schemaVersion":2,"manifests":[]})", config, "amd64"));
  CHECK_FALSE(
      ImageFromItems(image, R"({"schemaVersion":1,"config":{"digest":"sha256:)" + kA + R"("}})", config, "amd64"));
  CHECK_FALSE(ImageFromItems(
      image,
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","config":{"digest":"sha256:)" + kA +
          R"("}})",
      config, "amd64"));
  CHECK_FALSE(
      ImageFromItems(image, R"({"schemaVersion":2,"config":{"digest":"sha256:)" + kB + R"("}})", config, "amd64"));
  CHECK_FALSE(
      ImageFromItems(image, manifest, R"({"architecture":"amd64","os":"linux","config":{"Cmd":"sh"}})", "amd64"));
  CHECK_FALSE(ImageFromItems(image, R"({"schemaVersion":"2"})", config, "amd64"));
  CHECK_FALSE(ImageFromItems(image, manifest, "not json", "amd64"));
}

TEST_CASE("containers/storage: alias files mention a short name", "[engines]") {
  CHECK_FALSE(MentionsWord("# app = \"quay.io/app\"\nunqualified-search-registries = [\"docker.io\"]\n", "app"));
  CHECK(MentionsWord("[aliases]\n  \"app\" = \"quay.io/x/app\"\n", "app"));
  CHECK(MentionsWord("[aliases]\napp = \"quay.io/x/app\"\n", "app"));
  CHECK(MentionsWord("[aliases]\n\"\\u0061pp\" = \"quay.io/x/app\"\n", "app"));
}

TEST_CASE("storage.conf: where the image store is", "[engines]") {
  std::optional<StorageConf> conf = ParseStorageConf(R"(# comment
[storage]
driver = "overlay"
runroot = "/run/containers/storage"
graphroot = "/var/lib/containers/storage" # trailing
[storage.options]
additionalimagestores = [
]
pull_options = {enable_partial_images = "false", use_hard_links = "false"}
[storage.options.overlay]
mountopt = "nodev,metacopy=on"
)");
  // As Fedora's storage.conf has them: a one-line inline table about pulls is passed over.
  REQUIRE(conf);
  CHECK(*conf == StorageConf{"overlay", "/var/lib/containers/storage"});
  CHECK_FALSE(ParseStorageConf("[storage.options]\npull_options = {a = \"}\", b = 1}\n"));
  CHECK_FALSE(ParseStorageConf("[storage.options]\npull_options = {a = 1,\n b = 2}\n"));
  CHECK_FALSE(ParseStorageConf("[storage]\ngraphroot = {a = 1}\n"));
  CHECK_FALSE(ParseStorageConf("[storage]\ndriver = 1\n"));
  conf = ParseStorageConf(
      "[storage]\ndriver = 'vfs'\ngraphroot = \"/srv/s\"\n[storage.options]\n"
      "additionalimagestores = [\n# none\n]\nsize = 10\n");
  REQUIRE(conf);
  CHECK(*conf == StorageConf{"vfs", "/srv/s"});
  CHECK(ParseStorageConf("") == StorageConf{});
  CHECK_FALSE(ParseStorageConf("[storage.options]\nadditionalimagestores = [\"/ro\"]\n"));
  CHECK_FALSE(ParseStorageConf("[storage.options]\nadditionalimagestores = [\n  \"/ro\",\n]\n"));
  CHECK_FALSE(ParseStorageConf("[storage]\nimagestore = \"/img\"\n"));
  CHECK_FALSE(ParseStorageConf("[storage]\ngraphroot = \"/a\\tb\"\n"));
  CHECK_FALSE(ParseStorageConf("[storage]\ngraphroot = \"relative\"\n"));
  CHECK_FALSE(ParseStorageConf("[storage]\ngraphroot\n"));
  CHECK_FALSE(ParseStorageConf("[storage]\n\"graphroot\" = \"/x\"\n"));
}

TEST_CASE("libpod's database: the graph root and driver it recorded", "[engines]") {
  // As bolt laid the config bucket out in podman 4.3.1's bolt_state.db here (an empty driver: not chosen).
  std::string copy = std::string("\x01") + std::string(1, '\0') +
                     "graph-driver-namegraph-root/var/lib/containers/storageoslinuxrun-root/run";
  std::string db = "junk" + copy + "more junk" + copy;
  CHECK(DatabaseAgrees(db, "/var/lib/containers/storage", "overlay", false, false));
  CHECK_FALSE(DatabaseAgrees(db, "/srv/store", "overlay", false, false));
  CHECK(DatabaseAgrees(db, "/srv/store", "overlay", true, false));  // --root wins over the database
  std::string vfs = "graph-driver-namevfsgraph-root/var/lib/containers/storageoslinux";
  CHECK_FALSE(DatabaseAgrees(vfs, "/var/lib/containers/storage", "overlay", false, false));
  CHECK(DatabaseAgrees(vfs, "/var/lib/containers/storage", "vfs", false, false));
  CHECK(DatabaseAgrees(vfs, "/var/lib/containers/storage", "overlay", false, true));  // --storage-driver wins
  CHECK_FALSE(DatabaseAgrees(db + vfs, "/var/lib/containers/storage", "overlay", false, false));  // copies differ
  // A graph root that holds "os" itself.
  std::string hosts = "graph-driver-namegraph-root/srv/hosts/storageoslinux";
  CHECK(DatabaseAgrees(hosts, "/srv/hosts/storage", "overlay", false, false));
  CHECK_FALSE(DatabaseAgrees(hosts, "/srv/hosts", "overlay", false, false));
  CHECK_FALSE(DatabaseAgrees("no bucket", "/var/lib/containers/storage", "overlay", false, false));
  CHECK_FALSE(DatabaseAgrees("graph-driver-name", "/var/lib/containers/storage", "overlay", false, false));
}

TEST_CASE("storage location: options and environment that move the store", "[engines]") {
  char tmpl[] = "/tmp/pg-storage-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  std::string conf = dir + "/storage.conf";
  std::FILE* f = std::fopen(conf.c_str(), "w");
  std::fputs("[storage]\ndriver = \"overlay\"\ngraphroot = \"/srv/store/\"\n", f);
  std::fclose(f);
  auto env = Env({{"CONTAINERS_STORAGE_CONF", conf}});
  auto run = [](std::vector<std::string> global) {
    std::vector<std::string> argv{"podman"};
    argv.insert(argv.end(), global.begin(), global.end());
    for (const char* w : {"run", "img"}) argv.push_back(w);
    return ParseRunCommand(argv);
  };
  CHECK(LocateImageStore(run({}), env, 0) == StoreLocation{"/srv/store", "overlay"});
  CHECK(LocateImageStore(run({}), env, 0)->ImagesDir() == "/srv/store/overlay-images");
  CHECK(LocateImageStore(run({"--root", "/r", "--storage-driver=vfs"}), env, 0) == StoreLocation{"/r", "vfs"});
  CHECK(LocateImageStore(run({"--runtime", "crun", "--log-level=debug"}), env, 0) ==
        StoreLocation{"/srv/store", "overlay"});
  CHECK(LocateImageStore(run({}), Env({{"CONTAINERS_STORAGE_CONF", conf}, {"STORAGE_DRIVER", "btrfs"}}), 0)->driver ==
        "btrfs");
  CHECK_FALSE(LocateImageStore(run({}), env, 1000));  // rootless: not followed
  CHECK_FALSE(LocateImageStore(run({"--storage-opt", "x=y"}), env, 0));
  CHECK_FALSE(LocateImageStore(run({"--remote"}), env, 0));
  CHECK_FALSE(LocateImageStore(run({}), Env({{"CONTAINERS_STORAGE_CONF", conf}, {"STORAGE_OPTS", "a=b"}}), 0));
  CHECK_FALSE(LocateImageStore(run({}), Env({{"CONTAINERS_STORAGE_CONF", dir + "/missing.conf"}}), 0));
  CHECK_FALSE(LocateImageStore(run({"--storage-driver", "overlay2"}), env, 0));
  std::system(("rm -rf " + dir).c_str());
}

namespace {

std::string Run(const std::vector<std::string>& argv) {
  Captured c = RunCapture(argv);
  return c.status == 0 ? c.out : "";
}

}  // namespace

// The oracle: for each image in podman's store (a FROM-scratch busybox imported here, and any other image
// present), spelled several ways, the config read from disk equals `podman image inspect`'s.
TEST_CASE("[engine] containers/storage: the store read from disk equals podman image inspect", "[engine]") {
  bool root = ::geteuid() == 0;
  bool podman = root && RunCapture({"podman", "--version"}).status == 0;
  std::string busybox = Run({"sh", "-c", "command -v busybox"});
  if (!support::Need("reading podman's store", "root and podman", podman)) return;
  if (!support::Need("reading podman's store", "busybox", !busybox.empty())) return;
  char tmpl[] = "/var/tmp/pg-cs-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  std::string tag = "pg-cs-test-" + std::to_string(::getpid());
  // The image with a config, two more tags in docker.io's and quay.io's spellings, and a bare import.
  std::string hub = "docker.io/library/" + tag + "-hub:v2", quay = "quay.io/pg/" + tag + "-quay:v3";
  std::string script = "set -e; cd " + dir + "; mkdir -p root/bin; cp \"$(command -v busybox)\" root/bin/busybox;";
  script += " tar -C root -cf bb.tar .;";
  script += " podman import --change 'ENTRYPOINT [\"/bin/busybox\"]' --change 'CMD [\"sh\",\"-c\",\"echo hi\"]'";
  script += " --change 'USER 1000' --change 'WORKDIR /tmp' --change 'ENV A=b' bb.tar " + tag + ":v1 >/dev/null;";
  script += " podman tag " + tag + ":v1 " + tag + ":latest " + hub + " " + quay + ";";
  script += " podman import bb.tar " + tag + "-bare >/dev/null";
  REQUIRE(RunCapture({"sh", "-c", script}).status == 0);
  std::vector<std::string> ids;
  for (std::string line; const char c : Run({"podman", "images", "-q", "--no-trunc"})) {
    if (c != '\n') {
      line += c;
      continue;
    }
    ids.push_back(line.rfind("sha256:", 0) == 0 ? line.substr(7) : line);
    line.clear();
  }
  std::vector<std::string> refs = {tag,
                                   tag + ":v1",
                                   "localhost/" + tag,
                                   "localhost/" + tag + ":latest",
                                   tag + "-bare",
                                   tag + "-hub:v2",
                                   "docker.io/" + tag + "-hub:v2",
                                   hub,
                                   quay};
  // Left to podman: a short name that only a search registry of registries.conf reaches.
  std::vector<std::string> podmans = {"pg/" + tag + "-quay:v3"};
  refs.insert(refs.end(), podmans.begin(), podmans.end());
  for (const std::string& id : ids) {
    refs.push_back(id);
    refs.push_back("sha256:" + id);
    refs.push_back(id.substr(0, 12));
  }
  auto getenv = ProcessEnvironment();
  size_t compared = 0;
  for (const std::string& ref : refs) {
    INFO("image reference " << ref);
    std::string inspect = Run({"podman", "image", "inspect", ref});
    std::optional<LocalImage> local = ReadLocalImage(ParseRunCommand({"podman", "run", ref}), getenv, 0);
    if (inspect.empty()) {
      CHECK_FALSE(local);
      continue;
    }
    nlohmann::json want = nlohmann::json::parse(inspect)[0];
    if (!local) {
      // Only those, and a short id prefix that is also the start of another id, may be left to podman here.
      WARN("not read from disk: " << ref);
      CHECK((ref.size() == 12 || std::find(podmans.begin(), podmans.end(), ref) != podmans.end()));
      continue;
    }
    CHECK(std::find(podmans.begin(), podmans.end(), ref) == podmans.end());
    ImageConfig oracle = ParseImageInspect(inspect);
    CHECK(local->config.id == oracle.id);
    CHECK(local->config.digest == oracle.digest);
    CHECK(local->config.entrypoint == oracle.entrypoint);
    CHECK(local->config.cmd == oracle.cmd);
    CHECK(local->config.user == oracle.user);
    nlohmann::json config = want.value("Config", nlohmann::json::object());
    CHECK(local->env == config.value("Env", std::vector<std::string>{}));
    CHECK(local->workdir == config.value("WorkingDir", std::string()));
    ++compared;
  }
  CHECK(compared >= 8);
  CHECK(ReadLocalImage(ParseRunCommand({"podman", "run", tag + ":v1"}), getenv, 0));
  // A podman that is not there: asked, so that record says it is not installed.
  CHECK_FALSE(ReadLocalImage(ParseRunCommand({"/nonexistent/podman", "run", tag + ":v1"}), getenv, 0));

  RunCapture({"sh", "-c",
              "podman rmi -f " + tag + ":v1 " + tag + ":latest " + tag + "-bare " + hub + " " + quay +
                  " >/dev/null 2>&1; rm -rf " + dir});
  // Gone from the store: not read from disk either (podman would pull).
  CHECK_FALSE(ReadLocalImage(ParseRunCommand({"podman", "run", tag}), getenv, 0));
}

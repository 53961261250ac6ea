// Input and output faults, through the real binary: unwritable output paths, a full disk (a 64 KiB tmpfs), a
// trace from a newer schema, truncated traces and profiles. Each must give one `profilegen: error:` line naming
// the file, a non-zero exit, no partial file and no earlier file replaced. The cases that mount a tmpfs or run
// as nobody need root ([root]); those that record also need ptrace ([ptrace]).
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/tracer/harness.h"

using harness::Sh;

namespace {

// A small trace as `profilegen record` writes it.
const char* kTrace = R"({
    "profilegen": "trace",
    "version": 1,
    "command": ["/usr/bin/true"],
    "started": "2026-11-27T21:00:00Z",
    "host": {"kernel": "6.1.0", "arch": "SCMP_ARCH_X86_64"},
    "exit": {"code": 0},
    "tasks": 1,
    "syscalls": [
        {"arch": "SCMP_ARCH_X86_64", "name": "brk", "nr": 12, "count": 3, "first": {"pid": 7, "exe": "/usr/bin/true"}},
        {"arch": "SCMP_ARCH_X86_64", "name": "close", "nr": 3, "count": 4, "first": {"pid": 7, "exe": "/usr/bin/true"}},
        {"arch": "SCMP_ARCH_X86_64", "name": "execve", "nr": 59, "count": 1, "first": {"pid": 7, "exe": "/usr/bin/true"}},
        {"arch": "SCMP_ARCH_X86_64", "name": "exit_group", "nr": 231, "count": 1, "first": {"pid": 7, "exe": "/usr/bin/true"}},
        {"arch": "SCMP_ARCH_X86_64", "name": "mmap", "nr": 9, "count": 8, "first": {"pid": 7, "exe": "/usr/bin/true"}},
        {"arch": "SCMP_ARCH_X86_64", "name": "openat", "nr": 257, "count": 2, "first": {"pid": 7, "exe": "/usr/bin/true"}},
        {"arch": "SCMP_ARCH_X86_64", "name": "read", "nr": 0, "count": 1, "first": {"pid": 7, "exe": "/usr/bin/true"}},
        {"arch": "SCMP_ARCH_X86_64", "name": "socket", "nr": 41, "count": 1, "first": {"pid": 7, "exe": "/usr/bin/true"},
         "args": {"0": {"values": [1]}, "1": {"values": [524289]}}}
    ]
}
)";

std::string Bin() { return harness::Binary(); }
std::string Q(const std::string& s) { return "'" + s + "'"; }

void Write(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Exactly one line of output, `profilegen: error: ...` containing every piece of `want`.
void OneClearError(const harness::Result& r, const std::vector<std::string>& want) {
  INFO("output: " << r.output);
  auto lines = Lines(r.output);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].rfind("profilegen: error: ", 0) == 0);
  for (const auto& w : want) CHECK(lines[0].find(w) != std::string::npos);
}

// Files in a folder whose name says they are temporaries of an atomic write.
std::string Leftovers(const std::string& dir) { return Sh("ls -a " + Q(dir) + " | grep '\\.tmp\\.' ; true").output; }

struct Fixture {
  harness::TempDir dir;
  std::string trace = dir / "trace.json";
  std::string profile = dir / "profile.json";
  Fixture() {
    REQUIRE(Exists(Bin()));  // built with the tests: cmake --build BUILD --target profilegen
    Write(trace, kTrace);
    auto g = Sh(Bin() + " generate -o " + Q(profile) + " " + Q(trace));
    INFO(g.output);
    REQUIRE(g.code == 0);
  }
};

}  // namespace

TEST_CASE("faults: a trace from a newer schema version is refused with one clear message", "[faults]") {
  Fixture f;
  std::string v2 = f.dir / "v2.json";
  std::string text = kTrace;
  text.replace(text.find("\"version\": 1"), 12, "\"version\": 3");
  Write(v2, text);
  std::string earlier = harness::Slurp(f.profile);

  auto r = Sh(Bin() + " generate -o " + Q(f.profile) + " " + Q(v2));
  CHECK(r.code == 2);
  OneClearError(r, {v2 + ": version: trace schema version 3 is newer than this profilegen understands (2)",
                    "upgrade profilegen"});
  CHECK(harness::Slurp(f.profile) == earlier);  // the earlier output is untouched
  CHECK(Leftovers(f.dir.path).empty());

  // Among good traces, the newer one is still named and nothing is written.
  r = Sh(Bin() + " generate -o " + Q(f.dir / "new.json") + " " + Q(f.trace) + " " + Q(v2));
  CHECK(r.code == 2);
  OneClearError(r, {v2 + ": version: trace schema version 3"});
  CHECK_FALSE(Exists(f.dir / "new.json"));
}

TEST_CASE("faults: truncated traces: generate names the file, line and column and writes nothing", "[faults]") {
  Fixture f;
  std::string earlier = harness::Slurp(f.profile);
  const std::string full = kTrace;
  // Every cut of the file: empty, inside a key, inside a string, inside a number, between entries, before the
  // last brace.
  for (size_t cut = 0; cut < full.size() - 2; cut += 37) {
    std::string path = f.dir / ("cut" + std::to_string(cut) + ".json");
    Write(path, full.substr(0, cut));
    auto r = Sh(Bin() + " generate -o " + Q(f.profile) + " " + Q(path));
    INFO("cut at byte " << cut);
    CHECK(r.code == 2);
    OneClearError(r, {path + ":", "malformed JSON"});
    CHECK(harness::Slurp(f.profile) == earlier);
  }
  // The last byte that makes it valid JSON: the trace without its final newline still parses.
  Write(f.dir / "nonl.json", full.substr(0, full.size() - 1));
  CHECK(Sh(Bin() + " generate -o " + Q(f.dir / "p2.json") + " " + Q(f.dir / "nonl.json")).code == 0);
  CHECK(Leftovers(f.dir.path).empty());
}

TEST_CASE("faults: truncated profiles: validate reports malformed JSON, diff refuses", "[faults]") {
  Fixture f;
  const std::string full = harness::Slurp(f.profile);
  REQUIRE(full.size() > 100);
  std::string cut = f.dir / "cut.json";
  Write(cut, full.substr(0, full.size() / 2));

  // validate: a malformed profile is an invalid one (exit 1), with the line and column.
  auto v = Sh(Bin() + " validate " + Q(cut));
  INFO(v.output);
  CHECK(v.code == 1);
  CHECK(v.output.find(cut + ": error: malformed JSON at line ") != std::string::npos);
  CHECK(v.output.find(cut + ": INVALID") != std::string::npos);
  // An unreadable one is exit 2, reported in validate's own FILE: error: form.
  v = Sh(Bin() + " validate " + Q(f.dir / "missing.json"));
  CHECK(v.code == 2);
  CHECK(v.output ==
        f.dir / "missing.json" + ": error: cannot read " + f.dir / "missing.json" + ": No such file or directory\n");

  auto d = Sh(Bin() + " diff " + Q(f.profile) + " " + Q(cut));
  CHECK(d.code == 2);
  OneClearError(d, {cut + ": error: malformed JSON at line "});
  d = Sh(Bin() + " diff " + Q(f.profile) + " " + Q(f.dir / "empty.json"));
  CHECK(d.code == 2);
}

TEST_CASE("faults: output paths that cannot be written, without root", "[faults]") {
  Fixture f;
  SECTION("a folder that does not exist") {
    auto r = Sh(Bin() + " generate -o /nonexistent-profilegen-dir/p.json " + Q(f.trace));
    CHECK(r.code == 2);
    OneClearError(r, {"cannot write /nonexistent-profilegen-dir/p.json", "No such file or directory"});
  }
  SECTION("a directory") {
    auto r = Sh(Bin() + " generate -o " + Q(f.dir.path) + " " + Q(f.trace));
    CHECK(r.code == 2);
    OneClearError(r, {"cannot write " + f.dir.path + ": it is a directory"});
  }
  SECTION("stdout on a full device: generate, validate, diff") {
    for (std::string cmd : {" generate " + Q(f.trace), " validate " + Q(f.profile),
                            " validate --format json " + Q(f.profile), " diff " + Q(f.profile) + " " + Q(f.profile)}) {
      auto r = Sh(Bin() + cmd + " >/dev/full");
      INFO(cmd);
      CHECK(r.code == 2);
      OneClearError(r, {"cannot write to stdout"});
    }
  }
  CHECK(Leftovers(f.dir.path).empty());
}

TEST_CASE("faults: unwritable output: read-only file system, a folder nobody may write", "[root]") {
  if (!harness::RequireRoot("unwritable outputs (mounts a read-only file system)")) return;
  Fixture f;
  REQUIRE(::chmod(f.dir.path.c_str(), 0755) == 0);
  // A read-only tmpfs in a private mount namespace: gone when the shell exits, whatever happens.
  std::string ro = f.dir / "ro";
  REQUIRE(::mkdir(ro.c_str(), 0755) == 0);
  auto r = Sh("unshare -m sh -c " + Q("mount -t tmpfs -o ro,size=64k tmpfs " + ro + " && " + Bin() + " generate -o " +
                                      ro + "/p.json " + f.trace));
  CHECK(r.code == 2);
  OneClearError(r, {"cannot write " + ro + "/p.json", "Read-only file system"});

  // As nobody, in root's folder: the earlier profile stays.
  std::string earlier = harness::Slurp(f.profile);
  r = Sh("setpriv --reuid=nobody --regid=nogroup --clear-groups -- " + Bin() + " generate -o " + Q(f.profile) + " " +
         Q(f.trace));
  CHECK(r.code == 2);
  OneClearError(r, {"cannot write " + f.profile, "Permission denied"});
  CHECK(harness::Slurp(f.profile) == earlier);
  CHECK(Leftovers(f.dir.path).empty());
}

TEST_CASE("faults: a full disk (64 KiB tmpfs): record -o, generate -o, validate --bpf, stdout to a file",
          "[ptrace][root]") {
  if (!harness::RequireRoot("a full disk (mounts a 64 KiB tmpfs)")) return;
  Fixture f;
  std::string mnt = f.dir / "full";
  REQUIRE(::mkdir(mnt.c_str(), 0755) == 0);
  // In a private mount namespace: an earlier trace and profile on the tmpfs, then fill it, then every writer.
  // Each step prints "name rc" and the folder's listing and checksums, so the test sees what each left behind.
  std::string b = Bin(), err = f.dir / "err.txt";
  const std::vector<std::string> script_lines = {
      "set -u",
      "cd " + Q(mnt) + " && mount -t tmpfs -o size=64k tmpfs . && cd " + Q(mnt) + " || exit 9",
      "cp " + Q(f.trace) + " trace.json && cp " + Q(f.profile) + " profile.json",
      "dd if=/dev/zero of=fill bs=4k >/dev/null 2>&1",
      "sum0=$(cat trace.json profile.json | md5sum)",
      "step() { name=$1; shift; \"$@\" 2>" + err + " >/dev/null; rc=$?; echo \"$name rc=$rc err=$(cat " + err +
          ")\"; }",
      "step record " + b + " record -q -o trace.json -- /bin/ls /usr",
      "step record-new " + b + " record -q -o new.json -- /bin/ls /usr",
      "step record-profile " + b + " record -q -o /dev/null --profile profile.json -- /bin/true",
      "step generate " + b + " generate -o profile.json " + Q(f.trace),
      "step generate-new " + b + " generate -o new.json " + Q(f.trace),
      "step bpf " + b + " validate --bpf new.bpf " + Q(f.profile),
      "step diff sh -c '" + b + " diff " + f.profile + " " + f.profile + " --format json >diff.json'",
      "step validate sh -c '" + b + " validate --format json " + f.profile + " >validate.json'",
      "[ \"$(cat trace.json profile.json | md5sum)\" = \"$sum0\" ] && echo earlier-unchanged",
      "echo files: $(ls -a)",
  };
  std::string script;
  for (const auto& line : script_lines) script += line + "\n";
  // The shell's own `>file` redirections create diff.json and validate.json before profilegen runs: they may
  // exist, empty; profilegen itself leaves nothing.
  Write(f.dir / "full.sh", script);
  auto r = Sh("unshare -m sh " + Q(f.dir / "full.sh"));
  INFO(r.output);
  auto lines = Lines(r.output);
  auto step = [&](const std::string& name) {
    for (const auto& l : lines)
      if (l.rfind(name + " rc=", 0) == 0) return l;
    return std::string("(no line for " + name + ")");
  };
  CHECK(step("record") ==
        "record rc=125 err=profilegen: error: cannot write trace.json (write): No space left on device");
  CHECK(step("record-new") ==
        "record-new rc=125 err=profilegen: error: cannot write new.json (write): No space left on device");
  CHECK(step("record-profile") ==
        "record-profile rc=125 err=profilegen: error: cannot write profile.json (write): No space left on device");
  CHECK(step("generate") ==
        "generate rc=2 err=profilegen: error: cannot write profile.json (write): No space left on device");
  CHECK(step("generate-new") ==
        "generate-new rc=2 err=profilegen: error: cannot write new.json (write): No space left on device");
  CHECK(step("bpf") == "bpf rc=2 err=profilegen: error: cannot write new.bpf (write): No space left on device");
  CHECK(step("diff") == "diff rc=2 err=profilegen: error: cannot write to stdout: No space left on device");
  CHECK(step("validate").rfind("validate rc=2 err=profilegen: error: cannot write to stdout", 0) == 0);
  CHECK(r.output.find("earlier-unchanged") != std::string::npos);
  CHECK(r.output.find("files: . .. diff.json fill profile.json trace.json validate.json\n") != std::string::npos);
}

TEST_CASE("faults: record refuses a newer or truncated --known trace before running anything", "[ptrace]") {
  Fixture f;
  std::string v2 = f.dir / "v2.json";
  std::string text = kTrace;
  text.replace(text.find("\"version\": 1"), 12, "\"version\": 3");
  Write(v2, text);
  std::string out = f.dir / "out.json";
  std::string marker = f.dir / "ran";
  auto r = Sh(Bin() + " record -q -o " + Q(out) + " --known " + Q(v2) + " -- touch " + Q(marker));
  CHECK(r.code == 2);
  OneClearError(r, {v2 + ": version: trace schema version 3 is newer"});
  CHECK_FALSE(Exists(marker));
  CHECK_FALSE(Exists(out));
  Write(f.dir / "cut.json", std::string(kTrace).substr(0, 200));
  r = Sh(Bin() + " record -q -o " + Q(out) + " --known " + Q(f.dir / "cut.json") + " -- touch " + Q(marker));
  CHECK(r.code == 2);
  OneClearError(r, {f.dir / "cut.json", "malformed JSON"});
  CHECK_FALSE(Exists(marker));
  // A command that cannot be run leaves an earlier trace as it was.
  REQUIRE(Sh(Bin() + " record -q -o " + Q(out) + " -- true").code == 0);
  std::string earlier = harness::Slurp(out);
  r = Sh(Bin() + " record -q -o " + Q(out) + " -- /nonexistent-profilegen-command");
  CHECK(r.code == 127);
  OneClearError(r, {"cannot run /nonexistent-profilegen-command"});
  CHECK(harness::Slurp(out) == earlier);
  CHECK(Leftovers(f.dir.path).empty());
}

#include "engines/output_folder.h"

#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "base/error.h"

namespace profilegen::engines {
namespace {

std::string UserPart(const std::string& user) { return user.substr(0, user.find(':')); }

bool IsNumber(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos && s.size() < 10;
}

/// Removes the staging folder and whatever the container left in it (a temporary file of a failed write).
void RemoveFolder(const std::string& dir) {
  if (DIR* d = ::opendir(dir.c_str())) {
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    ::closedir(d);
    for (const std::string& n : names) ::unlink((dir + "/" + n).c_str());
  }
  ::rmdir(dir.c_str());
}

}  // namespace

bool IsRootUser(const std::string& user) {
  std::string u = UserPart(user);
  return u.empty() || u == "root" || (IsNumber(u) && std::stoul(u) == 0);
}

bool UserCanWrite(const std::string& user, unsigned mode, std::optional<unsigned> owner_uid) {
  if ((mode & 0003) == 0003) return true;  // others may write and enter
  std::string u = UserPart(user);
  return owner_uid && IsNumber(u) && std::stoul(u) == *owner_uid && (mode & 0300) == 0300;
}

OutputFolder::OutputFolder(const std::string& dir, const std::string& user, bool detach) : dir_(dir) {
  if (IsRootUser(user)) return;
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) throw SystemError("output folder " + dir, errno);
  // Run by a user other than root, the engine is rootless: container uids are mapped to subordinate ids.
  std::optional<unsigned> owner = ::geteuid() == 0 ? std::optional<unsigned>(st.st_uid) : std::nullopt;
  if (UserCanWrite(user, st.st_mode, owner)) return;
  if (detach) {
    throw Error("the container runs as user " + user + ", who cannot write the output folder " + dir +
                    ", and with -d profilegen cannot move the trace there after the run: make the folder "
                    "writable by that user (chmod o+w, or chown), or give another -o",
                kExitInternal);
  }
  std::string tmpl = dir + "/.profilegen-out.XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw SystemError("cannot make a staging folder in " + dir, errno);
  staging_ = tmpl;
  // The container's user may be any uid (and mapped through a user namespace): others must write it. The
  // folder's name is unpredictable and it lives only for this run.
  if (::chmod(staging_.c_str(), 0777) != 0) {
    int err = errno;
    RemoveFolder(staging_);
    staging_.clear();
    throw SystemError("cannot open the staging folder in " + dir + " to the container's user", err);
  }
}

OutputFolder::~OutputFolder() {
  if (!staging_.empty()) RemoveFolder(staging_);
}

void OutputFolder::Finish(const std::string& name) {
  if (staging_.empty()) return;
  std::string from = staging_ + "/" + name, to = dir_ + "/" + name;
  struct stat st;
  if (::lstat(from.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    // The trace was written whole (temporary file + rename inside the container): one rename publishes it.
    if (::rename(from.c_str(), to.c_str()) != 0) {
      int err = errno;
      RemoveFolder(staging_);
      staging_.clear();
      throw SystemError("cannot move the trace to " + to, err);
    }
    // It belongs to the container's user; give it to whoever ran record, as for a root container.
    if (::chown(to.c_str(), ::geteuid(), ::getegid()) != 0) {
      // not root (a rootless engine): the file stays the container user's, still readable
    }
  }
  RemoveFolder(staging_);
  staging_.clear();
}

}  // namespace profilegen::engines

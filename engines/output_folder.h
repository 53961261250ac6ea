#pragma once
/// Where the profilegen inside the container writes the trace. It writes as the container's user (`--user`, or
/// the image's USER), through a temporary file and a rename, so it needs write access to the folder mounted
/// as /.profilegen/out. A root container (the common case) gets the output folder itself. A non-root user
/// who cannot write it gets a fresh staging folder inside it (mode 0777, so that any uid mapping can write
/// it), and the host moves the trace into place after the run and removes the folder; with `-d` nobody is
/// there to move it, so that case is an error asking for a writable folder.
#include <optional>
#include <string>

namespace profilegen::engines {

/// Whether a `--user` / image USER value names root: empty (the engine's default), "0", "root", with any
/// group ("0:1000", "root:wheel").
bool IsRootUser(const std::string& user);

/// Whether the container user `user` (not root) can surely write the folder whose mode and owner are given:
/// writable by others, or owned by that numeric uid and writable by its owner. Names are not resolved (they
/// are the image's, not the host's), so a name counts as unable unless the folder is writable by others.
/// `owner_uid` is nullopt when the container's uids are not the host's (a rootless engine maps container uid
/// N > 0 to a subordinate id, so no host owner is that user).
bool UserCanWrite(const std::string& user, unsigned mode, std::optional<unsigned> owner_uid);

class OutputFolder {
 public:
  /// For the output folder `dir` (absolute, existing) and the container user. Throws Error (125) when the
  /// user cannot write `dir` and the run is detached, or when the staging folder cannot be made.
  OutputFolder(const std::string& dir, const std::string& user, bool detach);
  ~OutputFolder();
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;

  /// The host folder to mount as the container's output folder.
  const std::string& MountSource() const { return staging_.empty() ? dir_ : staging_; }

  /// After the run: moves the trace `name` from the staging folder into the output folder (replacing an
  /// earlier one only when a new one was written), and removes the staging folder. Nothing when not staged.
  void Finish(const std::string& name);

 private:
  std::string dir_;
  std::string staging_;  ///< empty: the container writes `dir_` itself
};

}  // namespace profilegen::engines

// The spool: where received instances live on disk, under storage.dir.
//   incoming/   temporary files being received (removed on start: never acknowledged)
//   spool/<Series Instance UID>/<SOP Instance UID>.dcm   durable, acknowledged instances
// A file reaches spool/ only by Place(): fdatasync, rename, fsync of the folder.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "ctscreen/core/status.h"

namespace ctscreen::ingest {

class Spool {
 public:
  // Creates the folders under storage_dir as needed.
  static core::Result<std::unique_ptr<Spool>> Open(const std::string& storage_dir);

  const std::string& storage_dir() const { return storage_dir_; }
  std::string NewTemporaryPath();
  std::string FinalPath(const std::string& series_uid, const std::string& sop_instance_uid) const;
  // Makes `temporary` durable as the instance's final file and returns that path. UIDs must
  // already be validated (they become path components).
  core::Result<std::string> Place(const std::string& temporary, const std::string& series_uid,
                                  const std::string& sop_instance_uid);
  // Deletes leftovers of receptions that never completed; returns how many.
  int RemoveTemporaries();
  // Every instance file in spool/.
  std::vector<std::string> ListStoredFiles() const;
  // Moves a file that cannot be indexed out of the way (quarantine/), keeping it for a human.
  core::Status Quarantine(const std::string& path);

 private:
  explicit Spool(std::string storage_dir);
  std::string storage_dir_;
  std::atomic<unsigned long> counter_{0};
};

}  // namespace ctscreen::ingest

#include "ctscreen/ingest/spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "ctscreen/core/durable_file.h"

namespace ctscreen::ingest {

namespace fs = std::filesystem;
using core::ErrorCode;
using core::Status;

Spool::Spool(std::string storage_dir) : storage_dir_(std::move(storage_dir)) {}

core::Result<std::unique_ptr<Spool>> Spool::Open(const std::string& storage_dir) {
  for (const char* sub : {"incoming", "spool", "quarantine"}) {
    if (auto s = core::EnsureDirectory(storage_dir + "/" + sub); !s.ok()) {
      return Status(s.code(), "storage.dir is not usable: " + s.reason());
    }
  }
  return std::unique_ptr<Spool>(new Spool(storage_dir));
}

std::string Spool::NewTemporaryPath() {
  return storage_dir_ + "/incoming/" + std::to_string(::getpid()) + "-" +
         std::to_string(counter_++) + ".tmp";
}

std::string Spool::FinalPath(const std::string& series_uid,
                             const std::string& sop_instance_uid) const {
  return storage_dir_ + "/spool/" + series_uid + "/" + sop_instance_uid + ".dcm";
}

core::Result<std::string> Spool::Place(const std::string& temporary, const std::string& series_uid,
                                       const std::string& sop_instance_uid) {
  int fd = ::open(temporary.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status(ErrorCode::kIoError, "cannot reopen " + temporary + " to sync it");
  Status synced = core::SyncFileDescriptor(fd, temporary);
  ::close(fd);
  if (!synced.ok()) return synced;
  const std::string final_path = FinalPath(series_uid, sop_instance_uid);
  if (auto s = core::EnsureDirectory(core::ParentDirectory(final_path)); !s.ok()) return s;
  if (auto s = core::RenameDurably(temporary, final_path); !s.ok()) return s;
  return final_path;
}

int Spool::RemoveTemporaries() {
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(storage_dir_ + "/incoming", ec)) {
    if (entry.path().extension() == ".tmp" && fs::remove(entry.path(), ec)) ++removed;
  }
  return removed;
}

std::vector<std::string> Spool::ListStoredFiles() const {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& series : fs::directory_iterator(storage_dir_ + "/spool", ec)) {
    if (!series.is_directory()) continue;
    for (const auto& file : fs::directory_iterator(series.path(), ec)) {
      if (file.path().extension() == ".dcm") files.push_back(file.path().string());
    }
  }
  return files;
}

Status Spool::Quarantine(const std::string& path) {
  const std::string target = storage_dir_ + "/quarantine/" +
                             fs::path(path).parent_path().filename().string() + "-" +
                             fs::path(path).filename().string();
  return core::RenameDurably(path, target);
}

}  // namespace ctscreen::ingest

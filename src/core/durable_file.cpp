#include "ctscreen/core/durable_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ctscreen::core {
namespace {

Status Errno(const std::string& what, const std::string& path) {
  int err = errno;
  std::string hint;
  if (err == ENOSPC) hint = "; the disk is full";
  if (err == EACCES || err == EPERM) hint = "; check the folder's owner and permissions";
  if (err == EROFS) hint = "; the file system is read-only";
  return Status(err == ENOSPC ? ErrorCode::kDiskFull : ErrorCode::kIoError,
                what + " " + path + " failed: " + std::strerror(err) + hint);
}

}  // namespace

std::string ParentDirectory(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status SyncFileDescriptor(int fd, const std::string& path) {
  if (::fdatasync(fd) != 0) return Errno("fdatasync of", path);
  return Status::Ok();
}

Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("opening folder", dir);
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  errno = saved;
  if (rc != 0) return Errno("fsync of folder", dir);
  return Status::Ok();
}

Status EnsureDirectory(const std::string& dir) {
  if (dir.empty() || dir == "/" || dir == ".") return Status::Ok();
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::Ok();
    return Status(ErrorCode::kIoError, dir + " exists but is not a folder");
  }
  std::string parent = ParentDirectory(dir);
  if (auto s = EnsureDirectory(parent); !s.ok()) return s;
  if (::mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST) return Errno("creating folder", dir);
  return SyncDirectory(parent);
}

Status RenameDurably(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) return Errno("renaming " + from + " to", to);
  return SyncDirectory(ParentDirectory(to));
}

Status WriteFileDurably(const std::string& path, const std::string& bytes) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return Errno("creating", tmp);
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = Errno("writing", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return s;
    }
    done += static_cast<size_t>(n);
  }
  Status s = SyncFileDescriptor(fd, tmp);
  ::close(fd);
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  return RenameDurably(tmp, path);
}

Result<std::int64_t> FreeMegabytes(const std::string& dir) {
  struct statvfs vfs {};
  if (::statvfs(dir.c_str(), &vfs) != 0) return Errno("checking free space of", dir);
  return static_cast<std::int64_t>(vfs.f_bavail) * static_cast<std::int64_t>(vfs.f_frsize) /
         (1024 * 1024);
}

}  // namespace ctscreen::core

// Durable file operations: what the listener promises the PACS ("acknowledged means on disk")
// rests on these. Each returns a status whose reason names the path and the OS error.
#pragma once

#include <cstdint>
#include <string>

#include "ctscreen/core/status.h"

namespace ctscreen::core {

// mkdir -p, syncing each parent whose entries changed so the new folders survive a crash.
Status EnsureDirectory(const std::string& dir);

// fdatasync of an open file descriptor (path only used in the message).
Status SyncFileDescriptor(int fd, const std::string& path);

// fsync of a folder, so renames and creations inside it are durable.
Status SyncDirectory(const std::string& dir);

// rename(from, to) then fsync of to's folder.
Status RenameDurably(const std::string& from, const std::string& to);

// Writes bytes to a temporary file next to path, fsyncs it, renames it into place.
Status WriteFileDurably(const std::string& path, const std::string& bytes);

// Free space of the file system holding dir, in MiB available to this process.
Result<std::int64_t> FreeMegabytes(const std::string& dir);

// Folder part of a path ("a/b/c.dcm" -> "a/b"; "c.dcm" -> ".").
std::string ParentDirectory(const std::string& path);

}  // namespace ctscreen::core

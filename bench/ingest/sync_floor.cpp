// sync_floor: what durability costs on this disk, without any DICOM. Writes N files of SIZE
// bytes in 128 KB chunks into DIR, once with no syncing and once with ctscreen's sequence
// (early writeback while writing, fdatasync, rename into a spool folder, fsync of that folder),
// and prints the time per file of each. The difference is the floor that an
// acknowledge-only-when-durable receiver pays per instance on top of what storescp does.
//   sync_floor DIR [N] [SIZE]
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

double RunOnce(const std::string& dir, int n, size_t size, bool durable) {
  const std::string incoming = dir + "/incoming", spool = dir + "/spool";
  ::mkdir(dir.c_str(), 0755);
  ::mkdir(incoming.c_str(), 0755);
  ::mkdir(spool.c_str(), 0755);
  int dir_fd = ::open(spool.c_str(), O_RDONLY | O_DIRECTORY);
  std::vector<char> chunk(128 * 1024, 7);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    const std::string tmp = incoming + "/" + std::to_string(i) + ".tmp";
    const std::string final_path = spool + "/" + std::to_string(i) + ".dcm";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    for (size_t done = 0; done < size; done += chunk.size()) {
      if (::write(fd, chunk.data(), chunk.size()) < 0) std::perror("write");
      if (durable) ::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    }
    if (durable) ::fdatasync(fd);
    ::close(fd);
    ::rename(tmp.c_str(), final_path.c_str());
    if (durable) ::fsync(dir_fd);
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ::close(dir_fd);
  std::system(("rm -rf " + incoming + " " + spool).c_str());
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: sync_floor DIR [N] [SIZE]\n");
    return 2;
  }
  const std::string dir = argv[1];
  const int n = argc > 2 ? std::atoi(argv[2]) : 300;
  const size_t size = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 512 * 1024;
  double plain = RunOnce(dir, n, size, false);
  double durable = RunOnce(dir, n, size, true);
  std::printf(
      "sync_floor: %d files of %zu bytes: no sync %.3f s (%.3f ms/file), "
      "durable %.3f s (%.3f ms/file), durability costs %.3f ms/file\n",
      n, size, plain, plain / n * 1e3, durable, durable / n * 1e3, (durable - plain) / n * 1e3);
  return 0;
}

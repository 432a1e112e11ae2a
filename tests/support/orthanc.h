// A real Orthanc (Debian's package) as the PACS in tests: its own folder, DICOM and HTTP
// ports on loopback, started and stopped by the test.
#pragma once

#include <sys/types.h>

#include <string>

namespace ctscreen::testing {

class Orthanc {
 public:
  // `dir` holds its configuration, database and log; `peer_*` is registered as a modality
  // named "ctscreen" so Orthanc can push to it.
  Orthanc(const std::string& dir, const std::string& peer_aet, int peer_port);
  ~Orthanc();
  bool Start();  // waits until its REST API answers
  void Stop();   // SIGTERM and wait for exit (needed before a restart on the same folder)

  int dicom_port() const { return dicom_port_; }
  int http_port() const { return http_port_; }
  const std::string& aet() const { return aet_; }
  // GET on the REST API; the body, or "" when it failed.
  std::string Get(const std::string& path) const;
  // POST on the REST API; the body, or "" when it failed.
  std::string Post(const std::string& path, const std::string& body) const;
  // Number of instances stored.
  int InstanceCount() const;

 private:
  std::string dir_;
  std::string aet_ = "ORTHANC";
  int dicom_port_ = 0;
  int http_port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace ctscreen::testing

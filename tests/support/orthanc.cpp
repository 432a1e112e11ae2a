#include "orthanc.h"

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "process.h"

namespace ctscreen::testing {

Orthanc::Orthanc(const std::string& dir, const std::string& peer_aet, int peer_port)
    : dir_(dir), dicom_port_(FreePort()), http_port_(FreePort()) {
  std::filesystem::create_directories(dir_ + "/db");
  std::ofstream(dir_ + "/orthanc.json") << "{\n"
                                        << "  \"Name\": \"ctscreen-test-pacs\",\n"
                                        << "  \"StorageDirectory\": \"" << dir_ << "/db\",\n"
                                        << "  \"IndexDirectory\": \"" << dir_ << "/db\",\n"
                                        << "  \"DicomAet\": \"" << aet_ << "\",\n"
                                        << "  \"DicomPort\": " << dicom_port_ << ",\n"
                                        << "  \"HttpPort\": " << http_port_ << ",\n"
                                        << "  \"RemoteAccessAllowed\": false,\n"
                                        << "  \"AuthenticationEnabled\": false,\n"
                                        << "  \"DicomAlwaysAllowStore\": true,\n"
                                        << "  \"DicomCheckCalledAet\": false,\n"
                                        << "  \"DicomModalities\": { \"ctscreen\": [\"" << peer_aet
                                        << "\", \"127.0.0.1\", " << peer_port << "] },\n"
                                        << "  \"Plugins\": []\n"
                                        << "}\n";
}

Orthanc::~Orthanc() {
  Stop();
}

bool Orthanc::Start() {
  pid_ = Spawn({"Orthanc", dir_ + "/orthanc.json"}, dir_ + "/orthanc.log");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (Get("/system").find("ctscreen-test-pacs") != std::string::npos) return true;
    if (HasExited(pid_)) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

void Orthanc::Stop() {
  if (pid_ > 0) StopProcess(pid_, SIGTERM);
  pid_ = -1;
}

std::string Orthanc::Get(const std::string& path) const {
  auto r = RunCommand(
      "/usr/bin/python3 -c \"import urllib.request,sys; "
      "sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:" +
      std::to_string(http_port_) + path + "', timeout=5).read().decode())\"");
  return r.exit_code == 0 ? r.output : "";
}

std::string Orthanc::Post(const std::string& path, const std::string& body) const {
  auto r = RunCommand(
      "/usr/bin/python3 -c \"import urllib.request,sys; "
      "sys.stdout.write(urllib.request.urlopen(urllib.request.Request("
      "'http://127.0.0.1:" +
      std::to_string(http_port_) + path +
      "', data=sys.argv[1].encode(), "
      "method='POST'), timeout=120).read().decode())\" '" +
      body + "'");
  return r.exit_code == 0 ? r.output : "";
}

int Orthanc::InstanceCount() const {
  const std::string list = Get("/instances");
  int n = 0;
  for (char c : list) n += c == ',';
  return list.find('"') == std::string::npos ? 0 : n + 1;
}

}  // namespace ctscreen::testing

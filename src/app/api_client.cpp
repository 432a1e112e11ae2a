#include "api_client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace ctscreen::app {

std::unique_ptr<grpc::ClientContext> ApiClient::NewContext(double deadline_s) const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  if (deadline_s > 0) {
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::milliseconds(static_cast<int>(deadline_s * 1000)));
  }
  return context;
}

ApiClient ConnectApi(const core::Config& config, const std::string& address_override,
                     const std::string& token_file) {
  ApiClient client;
  client.address = address_override.empty() ? config.api.listen : address_override;
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (config.api.tls.enabled) {
    grpc::SslCredentialsOptions ssl;
    if (!config.api.tls.ca.empty()) {
      std::ifstream in(config.api.tls.ca);
      std::stringstream ss;
      ss << in.rdbuf();
      ssl.pem_root_certs = ss.str();
    }
    credentials = grpc::SslCredentials(ssl);
  }
  client.channel = grpc::CreateChannel(client.address, credentials);
  if (!token_file.empty()) {
    std::ifstream in(token_file);
    std::getline(in, client.token);
  } else if (const char* env = std::getenv("CTSCREEN_TOKEN")) {
    client.token = env;
  }
  while (!client.token.empty() && (client.token.back() == '\n' || client.token.back() == ' ')) {
    client.token.pop_back();
  }
  return client;
}

std::string DescribeFailure(const grpc::Status& status, const std::string& address) {
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return "cannot reach the ctscreen API at " + address + " (" + status.error_message() +
           "); is `ctscreen serve` running, and is api.listen the same in its configuration?";
  }
  return status.error_message();
}

}  // namespace ctscreen::app

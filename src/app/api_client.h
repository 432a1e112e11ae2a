// How the CLI reaches a running server's API: address, TLS and token from the same
// configuration file the server uses, overridable on the command line.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <memory>
#include <string>

#include "ctscreen/core/config.h"

namespace ctscreen::app {

struct ApiClient {
  std::shared_ptr<grpc::Channel> channel;
  std::string address;
  std::string token;  // empty: none
  // A context carrying the token and a deadline (0: none, for streams).
  std::unique_ptr<grpc::ClientContext> NewContext(double deadline_s = 10) const;
};

// --api HOST:PORT overrides api.listen; the token comes from --token-file FILE or the
// CTSCREEN_TOKEN environment variable.
ApiClient ConnectApi(const core::Config& config, const std::string& address_override,
                     const std::string& token_file);

// One line for a failed call, with what to check.
std::string DescribeFailure(const grpc::Status& status, const std::string& address);

}  // namespace ctscreen::app

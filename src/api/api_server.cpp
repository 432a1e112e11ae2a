#include "ctscreen/api/api_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <fstream>
#include <sstream>

#include "admin_service.h"
#include "api_context.h"
#include "ctscreen/core/logging.h"
#include "metrics_http.h"
#include "status_service.h"

namespace ctscreen::api {

using core::ErrorCode;
using core::Status;

namespace {

bool IsLoopback(const std::string& listen) {
  auto colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]" ||
         host.rfind("127.", 0) == 0;
}

core::Result<std::string> ReadPem(const std::string& path, const char* key) {
  std::ifstream in(path);
  if (!in) {
    return Status(ErrorCode::kInvalidConfig,
                  std::string("api.tls.") + key + ": cannot read " + path);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

grpc::Status Authorize(const ApiContext& ctx, grpc::ServerContext* call, Role needed,
                       Caller* caller) {
  const auto& metadata = call->client_metadata();
  auto it = metadata.find("authorization");
  std::string token;
  if (it != metadata.end()) {
    std::string value(it->second.data(), it->second.size());
    if (value.rfind("Bearer ", 0) != 0) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                          "the authorization header must be 'Bearer <token>'");
    }
    token = value.substr(7);
  }
  if (!ctx.tokens.has_tokens()) {
    if (needed == Role::kAdmin) {
      return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                          "admin calls need an admin token, and no api.tokens_file is "
                          "configured; create one with `ctscreen token --role admin`");
    }
    *caller = Caller{"local", Role::kViewer};
    return grpc::Status::OK;
  }
  if (token.empty()) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "this call needs a token: pass it as 'authorization: Bearer <token>' "
                        "(the ctscreen CLI reads CTSCREEN_TOKEN or --token-file)");
  }
  auto found = ctx.tokens.Find(token);
  if (!found) {
    core::Log("api")->warn("call refused: unknown token from {}", call->peer());
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "the token is not in api.tokens_file (revoked or mistyped)");
  }
  if (needed == Role::kAdmin && found->role != Role::kAdmin) {
    core::Log("api")->warn("admin call refused for viewer '{}'", found->name);
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                        "'" + found->name + "' has the viewer role; this call needs admin");
  }
  *caller = *found;
  return grpc::Status::OK;
}

struct ApiServer::Impl {
  explicit Impl(ApiContext c) : ctx(std::move(c)), status(ctx, stopping), admin(ctx) {}
  ApiContext ctx;
  std::atomic<bool> stopping{false};
  StatusServiceImpl status;
  AdminServiceImpl admin;
  std::unique_ptr<grpc::Server> server;
  MetricsHttpServer metrics;
  int port = 0;
};

ApiServer::ApiServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ApiServer::~ApiServer() {
  Stop();
}

core::Result<std::unique_ptr<ApiServer>> ApiServer::Start(const ApiDependencies& deps) {
  const auto& options = deps.config.api;
  auto tokens = TokenStore::Load(options.tokens_file);
  if (!tokens.ok()) return tokens.status();
  if (!IsLoopback(options.listen) && !options.tls.enabled) {
    return Status(ErrorCode::kInvalidConfig,
                  "api.listen " + options.listen +
                      " is reachable from other machines but api.tls is off: tokens would "
                      "travel in clear; enable api.tls or listen on 127.0.0.1");
  }
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (options.tls.enabled) {
    auto cert = ReadPem(options.tls.cert, "cert");
    if (!cert.ok()) return cert.status();
    auto key = ReadPem(options.tls.key, "key");
    if (!key.ok()) return key.status();
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({*key, *cert});
    if (!options.tls.ca.empty()) {
      auto ca = ReadPem(options.tls.ca, "ca");
      if (!ca.ok()) return ca.status();
      ssl.pem_root_certs = *ca;
    }
    credentials = grpc::SslServerCredentials(ssl);
  }

  auto impl = std::make_unique<Impl>(ApiContext{
      deps.store, deps.gate, deps.config, deps.clock, std::move(tokens.value()), deps.version,
      deps.clock.Now(), deps.activity, deps.bundle_name, deps.bundle_version});
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, credentials, &impl->port);
  builder.RegisterService(&impl->status);
  builder.RegisterService(&impl->admin);
  impl->server = builder.BuildAndStart();
  if (!impl->server || impl->port == 0) {
    return Status(ErrorCode::kIoError, "cannot serve the API on " + options.listen +
                                           " (is another process using the port?)");
  }
  Impl* raw = impl.get();
  if (auto s = impl->metrics.Start(options.metrics_listen,
                                   [raw, &deps] {
                                     return RenderMetrics(raw->ctx.store, raw->ctx.config,
                                                          deps.counters, raw->ctx.gate);
                                   });
      !s.ok()) {
    impl->server->Shutdown();
    return s;
  }
  core::Log("api")->info(
      "API on {} ({}; {}), metrics on http://{}/metrics", options.listen,
      options.tls.enabled ? "TLS" : "plaintext, loopback",
      raw->ctx.tokens.has_tokens() ? "tokens required" : "no tokens file: read-only",
      options.metrics_listen);
  return std::unique_ptr<ApiServer>(new ApiServer(std::move(impl)));
}

void ApiServer::Stop() {
  if (!impl_ || !impl_->server) return;
  impl_->stopping = true;
  impl_->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  impl_->server.reset();
  impl_->metrics.Stop();
}

int ApiServer::port() const {
  return impl_->port;
}
int ApiServer::metrics_port() const {
  return impl_->metrics.port();
}

}  // namespace ctscreen::api

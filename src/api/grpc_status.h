// The one table from our error codes to gRPC status codes; private to api.
#pragma once

#include <grpcpp/support/status.h>

#include "ctscreen/core/status.h"

namespace ctscreen::api {

grpc::StatusCode GrpcCodeFor(core::ErrorCode code);
grpc::Status ToGrpc(const core::Status& status);

}  // namespace ctscreen::api

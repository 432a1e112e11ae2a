// StatusService (proto/ctscreen/v1/status.proto); private to api.
#pragma once

#include <atomic>

#include "api_context.h"
#include "ctscreen/v1/status.grpc.pb.h"

namespace ctscreen::api {

class StatusServiceImpl final : public v1::StatusService::Service {
 public:
  StatusServiceImpl(ApiContext& ctx, const std::atomic<bool>& stopping)
      : ctx_(ctx), stopping_(stopping) {}

  grpc::Status GetHealth(grpc::ServerContext* call, const v1::GetHealthRequest* request,
                         v1::GetHealthResponse* response) override;
  grpc::Status ListJobs(grpc::ServerContext* call, const v1::ListJobsRequest* request,
                        v1::ListJobsResponse* response) override;
  grpc::Status GetJob(grpc::ServerContext* call, const v1::GetJobRequest* request,
                      v1::Job* response) override;
  grpc::Status WatchJobs(grpc::ServerContext* call, const v1::WatchJobsRequest* request,
                         grpc::ServerWriter<v1::JobChange>* writer) override;
  grpc::Status GetStats(grpc::ServerContext* call, const v1::GetStatsRequest* request,
                        v1::GetStatsResponse* response) override;

 private:
  ApiContext& ctx_;
  const std::atomic<bool>& stopping_;
};

}  // namespace ctscreen::api

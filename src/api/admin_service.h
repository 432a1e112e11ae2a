// AdminService (proto/ctscreen/v1/admin.proto); private to api. Every call needs an admin
// token and is logged with the caller's name.
#pragma once

#include "api_context.h"
#include "ctscreen/v1/admin.grpc.pb.h"

namespace ctscreen::api {

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  explicit AdminServiceImpl(ApiContext& ctx) : ctx_(ctx) {}

  grpc::Status Reprocess(grpc::ServerContext* call, const v1::ReprocessRequest* request,
                         v1::Job* response) override;
  grpc::Status Cancel(grpc::ServerContext* call, const v1::CancelRequest* request,
                      v1::Job* response) override;
  grpc::Status RetryDelivery(grpc::ServerContext* call, const v1::RetryDeliveryRequest* request,
                             v1::Job* response) override;
  grpc::Status PauseIntake(grpc::ServerContext* call, const v1::PauseIntakeRequest* request,
                           v1::IntakeState* response) override;
  grpc::Status ResumeIntake(grpc::ServerContext* call, const v1::ResumeIntakeRequest* request,
                            v1::IntakeState* response) override;

 private:
  // An operator's move of job `id`, logged with its reason; answers with the moved job.
  grpc::Status Move(std::int64_t id, jobs::JobState from, jobs::JobState to,
                    const std::string& reason, double now, v1::Job* response);

  ApiContext& ctx_;
};

}  // namespace ctscreen::api

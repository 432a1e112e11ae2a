#include "admin_service.h"

#include "ctscreen/core/logging.h"
#include "grpc_status.h"
#include "job_messages.h"

namespace ctscreen::api {

grpc::Status AdminServiceImpl::Move(std::int64_t id, jobs::JobState from, jobs::JobState to,
                                    const std::string& reason, double now, v1::Job* response) {
  if (auto s = ctx_.store.Transition(id, from, to, reason, now); !s.ok()) return ToGrpc(s);
  core::Log("api")->info("job {}: {}", id, reason);
  auto moved = ctx_.store.GetJob(id);
  if (!moved.ok()) return ToGrpc(moved.status());
  ToProto(*moved, response);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::Reprocess(grpc::ServerContext* call,
                                         const v1::ReprocessRequest* request, v1::Job* response) {
  Caller caller;
  if (auto s = Authorize(ctx_, call, Role::kAdmin, &caller); !s.ok()) return s;
  auto job = ctx_.store.GetJob(request->job_id());
  if (!job.ok()) return ToGrpc(job.status());
  if (job->state == jobs::JobState::kIngest) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "job " + std::to_string(job->id) +
                            " is still receiving instances; it is queued by itself once the "
                            "series is complete");
  }
  const std::string reason =
      "reprocess of job " + std::to_string(job->id) + " requested by " + caller.name;
  auto fresh =
      ctx_.store.CreateQueuedJob(job->series_uid, job->study_uid, reason, ctx_.clock.Now());
  if (!fresh.ok()) return ToGrpc(fresh.status());
  core::Log("api")->info("job {}: {} (new job {})", job->id, reason, fresh->id);
  ToProto(*fresh, response);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::Cancel(grpc::ServerContext* call, const v1::CancelRequest* request,
                                      v1::Job* response) {
  Caller caller;
  if (auto s = Authorize(ctx_, call, Role::kAdmin, &caller); !s.ok()) return s;
  auto job = ctx_.store.GetJob(request->job_id());
  if (!job.ok()) return ToGrpc(job.status());
  std::string reason = "cancelled by " + caller.name;
  if (!request->reason().empty()) reason += ": " + request->reason();
  return Move(job->id, job->state, jobs::JobState::kCancelled, reason, ctx_.clock.Now(), response);
}

grpc::Status AdminServiceImpl::RetryDelivery(grpc::ServerContext* call,
                                             const v1::RetryDeliveryRequest* request,
                                             v1::Job* response) {
  Caller caller;
  if (auto s = Authorize(ctx_, call, Role::kAdmin, &caller); !s.ok()) return s;
  auto job = ctx_.store.GetJob(request->job_id());
  if (!job.ok()) return ToGrpc(job.status());
  auto deliveries = ctx_.store.DeliveriesOf(job->id);
  if (!deliveries.ok()) return ToGrpc(deliveries.status());
  bool any_failed = false;
  for (const auto& d : *deliveries) any_failed |= d.state == jobs::DeliveryState::kFailed;
  if (job->state != jobs::JobState::kFailed || !any_failed) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "job " + std::to_string(job->id) + " (" + jobs::JobStateName(job->state) +
                            ") has no failed delivery to retry; use reprocess to screen again");
  }
  const double now = ctx_.clock.Now();
  if (auto s = ctx_.store.ResetFailedDeliveries(job->id, now); !s.ok()) return ToGrpc(s);
  const std::string reason = "delivery retry requested by " + caller.name;
  return Move(job->id, jobs::JobState::kFailed, jobs::JobState::kSending, reason, now, response);
}

grpc::Status AdminServiceImpl::PauseIntake(grpc::ServerContext* call,
                                           const v1::PauseIntakeRequest* request,
                                           v1::IntakeState* response) {
  Caller caller;
  if (auto s = Authorize(ctx_, call, Role::kAdmin, &caller); !s.ok()) return s;
  const std::string reason =
      "paused by " + caller.name + (request->reason().empty() ? "" : ": " + request->reason());
  ctx_.gate.Pause(reason);
  core::Log("api")->warn("intake {}; senders are refused transiently until resumed", reason);
  response->set_paused(true);
  response->set_reason(reason);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::ResumeIntake(grpc::ServerContext* call,
                                            const v1::ResumeIntakeRequest*,
                                            v1::IntakeState* response) {
  Caller caller;
  if (auto s = Authorize(ctx_, call, Role::kAdmin, &caller); !s.ok()) return s;
  ctx_.gate.Resume();
  core::Log("api")->info("intake resumed by {}", caller.name);
  response->set_paused(false);
  return grpc::Status::OK;
}

}  // namespace ctscreen::api

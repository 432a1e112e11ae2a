// Conversions between the job store's records and the API's messages; private to api.
#pragma once

#include <optional>

#include "ctscreen/jobs/job_store.h"
#include "ctscreen/v1/jobs.pb.h"

namespace ctscreen::api {

v1::JobState ToProto(jobs::JobState state);
std::optional<jobs::JobState> FromProto(v1::JobState state);
void ToProto(const jobs::JobRecord& record, v1::Job* job);

}  // namespace ctscreen::api

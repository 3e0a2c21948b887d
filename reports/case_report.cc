#include "reports/case_report.h"

#include <atomic>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "core/base/status_macros.h"
#include "core/base/version.h"
#include "core/detect/analyzer.h"
#include "reports/case_view.h"
#include "reports/timeline.h"

namespace tern {
namespace {

// The report's work, shared by up to two threads: the timeline and the
// documents made from the store alone first, then, once the CaseView has
// loaded, the documents that read it, each taken by whichever thread is free.
// Every file is written by one thread; what each wrote is kept for the
// caller to report in order.
class ReportJobs {
 public:
  struct Job {
    const OutputInfo* info = nullptr;
    std::string path;
    bool written = false;  // false: not taken, not wanted, or failed
    absl::Status status;
  };

  ReportJobs(CaseStore& store, const CaseDir& out, const OutputInfo* timeline,
             const std::vector<const OutputInfo*>& documents)
      : store_(store), timeline_(timeline) {
    if (timeline != nullptr) timeline_path_ = out.File(timeline->file_name);
    for (const OutputInfo* d : documents) jobs_.push_back({d, out.File(d->file_name)});
  }

  // The timeline, then the store-only documents.
  void RunStoreOnly() {
    if (timeline_ != nullptr) {
      timeline_events_ = WriteTimeline(store_, *timeline_, timeline_path_);
    }
    for (Job& job : jobs_) {
      if (!job.info->reads_view) Run(job, nullptr);
    }
  }

  // Called once, by the thread that loaded `view` (or failed to).
  void SetView(const absl::StatusOr<CaseView>* view) {
    view_ = view;
    view_loaded_.Notify();
  }

  // Takes view documents until none is left; returns at once if the view
  // failed to load.
  void RunViewDocuments() {
    view_loaded_.WaitForNotification();
    if (!view_->ok()) return;
    for (size_t i = next_job_++; i < jobs_.size(); i = next_job_++) {
      Job& job = jobs_[i];
      if (!job.info->reads_view) continue;
      if (job.info->written_when != nullptr && !job.info->written_when(**view_)) continue;
      Run(job, &**view_);
    }
  }

  const absl::StatusOr<uint64_t>& timeline_events() const { return timeline_events_; }
  const std::string& timeline_path() const { return timeline_path_; }
  // Every document's job, in registry order.
  const std::vector<Job>& jobs() const { return jobs_; }

 private:
  void Run(Job& job, const CaseView* view) {
    OutputTarget target;
    target.path = job.path;
    target.store = &store_;
    target.view = view;
    std::unique_ptr<OutputModule> module = job.info->make(target);
    job.status = module->WriteHeader();
    if (job.status.ok()) job.status = module->WriteFooter();
    job.written = job.status.ok();
  }

  CaseStore& store_;
  const OutputInfo* timeline_;
  std::string timeline_path_;
  absl::StatusOr<uint64_t> timeline_events_ = uint64_t{0};
  std::vector<Job> jobs_;  // one per document, in registry order
  absl::Notification view_loaded_;
  const absl::StatusOr<CaseView>* view_ = nullptr;
  std::atomic<size_t> next_job_ = 0;  // the next job a thread takes for the view
};

}  // namespace

absl::StatusOr<std::vector<WrittenOutput>> WriteCaseReports(CaseStore& store, const CaseDir& out,
                                                            const OutputRegistry& outputs,
                                                            const CaseReportOptions& options,
                                                            RunLog* log) {
  const OutputInfo* timeline = nullptr;
  if (!options.timeline.empty()) {
    TERN_ASSIGN_OR_RETURN(timeline, outputs.Find(options.timeline, kOutputTimeline, "timeline"));
  }
  // Before anything is written: sessions.jsonl does not wait for the view.
  TERN_RETURN_IF_ERROR(CheckAnalysisFinished(store, "reporting"));
  TERN_RETURN_IF_ERROR(out.Create());
  ReportJobs jobs(store, out, timeline, outputs.For(kOutputCaseDocument));
  // With one thread the store-only work comes first, as the timeline always
  // did. With more, it runs beside the view's load (most of a report's time:
  // the activity read of every event, the stored sessions), and then the
  // two threads share the documents that read the view.
  std::thread beside;
  if (options.threads >= 2) {
    beside = std::thread([&jobs] {
      jobs.RunStoreOnly();
      jobs.RunViewDocuments();
    });
  } else {
    jobs.RunStoreOnly();
  }
  absl::StatusOr<CaseView> view = LoadCaseView(store, ToolVersion());
  if (view.ok()) view->display_timezone = options.timezone;
  jobs.SetView(&view);
  jobs.RunViewDocuments();
  if (beside.joinable()) beside.join();

  // Every output was attempted. Outcomes in the order the commands print
  // them: the timeline, then the documents in registry order; the first
  // failure in that order is returned.
  std::vector<WrittenOutput> written;
  TERN_RETURN_IF_ERROR(jobs.timeline_events().status());
  if (timeline != nullptr) {
    if (log != nullptr) {
      log->Line("INFO", absl::StrCat("wrote ", jobs.timeline_path(), ": ", *jobs.timeline_events(),
                                     " events"));
    }
    written.push_back({timeline->label, DisplayPath(jobs.timeline_path())});
  }
  TERN_RETURN_IF_ERROR(view.status());
  for (const ReportJobs::Job& job : jobs.jobs()) {
    TERN_RETURN_IF_ERROR(job.status);
    if (!job.written) continue;  // not wanted for this case
    if (log != nullptr) log->Line("INFO", absl::StrCat("wrote ", job.path));
    written.push_back({job.info->label, DisplayPath(job.path)});
  }
  return written;
}

}  // namespace tern

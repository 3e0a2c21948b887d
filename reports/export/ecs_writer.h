// `tern export --format ecs`: events and findings as NDJSON in Elastic Common
// Schema, one document per line, or as Elasticsearch `_bulk` request bodies
// (an `index` action line before each document, so re-sending a case
// replaces its documents instead of adding copies).
//
// Every field written is declared, with its type, in the index template
// docs/ecs/tern-ecs-template.json (dynamic mapping "strict"); the ECS export
// test checks each emitted field against it. docs/ecs/README.md is the
// field-by-field mapping.
//
// Documents: tern.doc_type "event" (one per stored event, _id = record id),
// "finding" (one per finding, _id = "finding-" + 16 hex digits of a hash of
// rule, mailbox, actor, first seen and evidence record ids, so the same
// finding from two overlapping cases is one document) and "incident" (one
// per incident, @timestamp = its first attacker activity, _id = "incident-" +
// 16 hex digits of a hash of first seen, identities and attacker IPs).
//
// Evidence text is attacker-controlled; JsonWriter escapes it for JSON and
// consumers must escape it for their own channel.
// Shape: Begin / AddEvent... AddFinding... AddIncident... / Finish; the `ecs` output module
// (reports/export/ecs_output.cc) drives it.
// Thread-compatible: one writer per stream.
#ifndef TERN_REPORTS_EXPORT_ECS_WRITER_H_
#define TERN_REPORTS_EXPORT_ECS_WRITER_H_

#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/status/status.h"
#include "core/model/case_incident.h"
#include "core/model/event.h"
#include "reports/export/export_source.h"

namespace tern {

struct EcsOptions {
  bool bulk = false;           // write `_bulk` bodies (action line + document)
  std::string index = "tern";  // the `_index` of the action lines
  std::string case_id;         // tern.case_id of every document ("" = omitted)
};

// One event / finding document, without a trailing newline (pure; for tests).
std::string EcsEventDocument(const Event& e, const EventEnrichment& x, const EcsOptions& options);
std::string EcsFindingDocument(const ExportFinding& f, const EcsOptions& options);
// The bulk `_id` of a finding document.
std::string EcsFindingDocumentId(const Finding& f);
std::string EcsIncidentDocument(const CaseIncident& c, const EcsOptions& options);
// The bulk `_id` of an incident document.
std::string EcsIncidentDocumentId(const CaseIncident& c);

class EcsWriter {
 public:
  // `out` is not owned and must outlive the writer.
  EcsWriter(EcsOptions options, std::FILE* out);
  EcsWriter(const EcsWriter&) = delete;
  EcsWriter& operator=(const EcsWriter&) = delete;

  // Nothing precedes the documents in NDJSON or _bulk bodies.
  absl::Status Begin() { return absl::OkStatus(); }
  // Each returns Unavailable on a write error.
  absl::Status AddEvent(const Event& e, const EventEnrichment& x);
  absl::Status AddFinding(const ExportFinding& f);
  absl::Status AddIncident(const CaseIncident& c);
  // Flushes. REQUIRES: called once, after the last Add.
  absl::Status Finish();

  uint64_t events() const { return events_; }
  uint64_t findings() const { return findings_; }
  uint64_t incidents() const { return incidents_; }

 private:
  absl::Status Write(std::string_view id, const std::string& document);

  EcsOptions options_;
  std::FILE* out_;
  uint64_t events_ = 0;
  uint64_t findings_ = 0;
  uint64_t incidents_ = 0;
};

}  // namespace tern

#endif  // TERN_REPORTS_EXPORT_ECS_WRITER_H_

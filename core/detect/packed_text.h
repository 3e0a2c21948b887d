// Compact forms of the strings rules keep per record session id for a week
// (rules_network.cc, SessionIpChangeRule): a busy tenant has hundreds of
// thousands of ids alive at once, each with a record id and a session id,
// and most are GUIDs or tern session ids whose text is fixed by format.
//
//  - PackedText holds a lower-case canonical GUID ("8-4-4-4-12" hex, the
//    form of record ids and SessionIds in Microsoft 365 exports) in 16
//    bytes instead of a 32-byte string plus a 48-byte heap block; any other
//    text is kept as it is. str() gives back exactly the text packed.
//  - PackedAnchor holds an EvidenceAnchor with its record id packed: 48
//    bytes instead of 56 plus the record id's heap block. Incidents keep up
//    to max_anchors_per_finding of them each, and rules keep one per event
//    in their windows (Remembered).
//
// Thread-compatible.
#ifndef TERN_CORE_DETECT_PACKED_TEXT_H_
#define TERN_CORE_DETECT_PACKED_TEXT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "core/base/time.h"
#include "core/model/event.h"
#include "core/model/finding.h"

namespace tern::detect {

class PackedText {
 public:
  PackedText() = default;
  explicit PackedText(std::string_view text);
  PackedText(const PackedText& other);
  PackedText& operator=(const PackedText& other);
  PackedText(PackedText&&) = default;
  PackedText& operator=(PackedText&&) = default;

  std::string str() const;
  bool operator==(const PackedText& other) const;

  template <typename H>
  friend H AbslHashValue(H h, const PackedText& p) {
    if (p.other_ != nullptr) return H::combine(std::move(h), *p.other_);
    return H::combine(std::move(h), p.hi_, p.lo_);
  }

 private:
  uint64_t hi_ = 0;
  uint64_t lo_ = 0;
  std::unique_ptr<const std::string> other_;  // null: the text is the GUID
};

class PackedAnchor {
 public:
  PackedAnchor() = default;
  explicit PackedAnchor(const EvidenceAnchor& anchor)
      : PackedAnchor(anchor.record_id, anchor.evidence, anchor.line, anchor.time_ms) {}
  PackedAnchor(std::string_view record_id, uint32_t evidence, uint64_t line, TimeMs time_ms)
      : record_id_(record_id), time_ms_(time_ms), line_(line), evidence_(evidence) {}
  // The anchor of `e`, packed straight from its fields (EventContext::anchor
  // would copy the record id into a string first).
  static PackedAnchor Of(const Event& e) {
    return PackedAnchor(e.record_id, e.provenance.evidence, e.provenance.line, e.time_ms);
  }

  EvidenceAnchor Unpack() const {
    return EvidenceAnchor{record_id_.str(), evidence_, line_, time_ms_};
  }
  const PackedText& record_id() const { return record_id_; }
  TimeMs time_ms() const { return time_ms_; }

 private:
  PackedText record_id_;
  TimeMs time_ms_ = 0;
  uint64_t line_ = 0;
  uint32_t evidence_ = 0;
};

}  // namespace tern::detect

#endif  // TERN_CORE_DETECT_PACKED_TEXT_H_

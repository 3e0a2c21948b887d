// How a Sigma field name addresses a normalized audit record
// (DECISIONS.md 3): a dotted path into its AuditData, Name/Value lists by
// name (`Parameters.ForwardingSmtpAddress`, `ModifiedProperties.X.NewValue`,
// `ExtendedProperties.UserAgent`), and tern's normalized values where the
// rule names the raw field (ClientIP without port, UserId lower-case,
// RecordType / LogonType / UserType as number and name).
//
// A FieldRef is resolved once when a rule is compiled; Collect is called per
// record. FieldRef is immutable; FieldValues is per-thread scratch.
#ifndef TERN_CORE_SIGMA_EVENT_FIELDS_H_
#define TERN_CORE_SIGMA_EVENT_FIELDS_H_

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/event.h"

namespace tern::sigma {

// The values one field has in one record (none when absent). Views point
// into the record or into strings owned here; valid until Clear().
class FieldValues {
 public:
  void Add(std::string_view v) { views_.push_back(v); }
  void AddOwned(std::string v) {
    owned_.push_back(std::move(v));
    views_.push_back(owned_.back());
  }
  void Clear() {
    views_.clear();
    owned_.clear();
  }
  const std::vector<std::string_view>& views() const { return views_; }
  bool empty() const { return views_.empty(); }

 private:
  std::vector<std::string_view> views_;
  std::deque<std::string> owned_;
};

class FieldRef {
 public:
  // Resolves a rule's field name (case-insensitive).
  static FieldRef Resolve(std::string_view name);

  // Appends the record's values of the field; nothing when it is absent.
  void Collect(const Event& e, FieldValues& out) const;
  // Whether UAL records carry this field (lint warns about the others).
  bool known() const { return known_; }
  const std::string& name() const { return name_; }
  // Whether this is the record's Operation (OperationPrefilter keys on it).
  bool is_operation() const;

  // Where the value comes from (defined in event_fields.cc).
  enum class Source : uint8_t;

 private:
  Source source_{};
  std::string name_;
  std::string sub_;  // the Name in a Name/Value list, or the extra key
  bool known_ = false;
};

// Every value of the record, for Sigma keyword (field-less) searches.
void CollectAllValues(const Event& e, FieldValues& out);

}  // namespace tern::sigma

#endif  // TERN_CORE_SIGMA_EVENT_FIELDS_H_

// AuditData fields beyond the typed ones, flattened into Event::extra so
// that every field of a record can be addressed (Sigma rules name them by
// dotted path: "AppAccessContext.IssuedAtTime", "ExtendedProperties.UserAgent",
// "ModifiedProperties.StrongAuthenticationMethod.NewValue").
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "core/base/strings.h"
#include "parsers/audit_data_dom.h"
#include "parsers/json_util.h"

namespace tern {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// Bounds against hostile records: what a flattening may add to one event.
constexpr int kMaxDepth = 8;
constexpr int kMaxStringNesting = 2;  // JSON held in a string held in a string
constexpr size_t kMaxEntries = 256;

class Flattener {
 public:
  Flattener(absl::Span<const std::string_view> held, std::vector<NameValue>* out)
      : held_(held), out_(out) {}

  void Add(const std::string& path, element e, int depth, int nesting) {
    if (out_->size() >= kMaxEntries || depth > kMaxDepth) return;
    if (std::optional<std::string_view> s = json::AsString(e)) {
      if (!AddDecoded(path, *s, depth, nesting)) Push(path, std::string(*s), true);
      return;
    }
    object obj;
    if (e.get_object().get(obj) == simdjson::SUCCESS) {
      for (simdjson::dom::key_value_pair field : obj) {
        Add(Join(path, field.key), field.value, depth + 1, nesting);
      }
      return;
    }
    array arr;
    if (e.get_array().get(arr) == simdjson::SUCCESS) {
      if (IsNameValueList(arr)) {
        AddNameValues(path, arr, depth, nesting);
      } else {
        // Repeated entries under one path: a rule matches any of them.
        for (element item : arr) Add(path, item, depth + 1, nesting);
      }
      return;
    }
    if (!e.is_null()) Push(path, json::ScalarText(e), true);
  }

 private:
  static std::string Join(const std::string& path, std::string_view key) {
    std::string out = path;
    if (!out.empty()) out.push_back('.');
    out.append(key);
    return out;
  }

  // [{"Name":...}, ...]: every entry an object with a string Name.
  static bool IsNameValueList(array arr) {
    bool any = false;
    for (element item : arr) {
      object obj;
      element name;
      if (item.get_object().get(obj) != simdjson::SUCCESS || !json::FindKey(obj, "Name", &name) ||
          !json::AsString(name)) {
        return false;
      }
      any = true;
    }
    return any;
  }

  // By name: "List.Name" for the Value, "List.Name.Key" for other keys
  // (ModifiedProperties' NewValue/OldValue); an entry with no Value keeps
  // its name with has_value false.
  void AddNameValues(const std::string& path, array arr, int depth, int nesting) {
    for (element item : arr) {
      object obj = item.get_object().value_unsafe();
      element name_element;
      json::FindKey(obj, "Name", &name_element);
      const std::string entry = Join(path, *json::AsString(name_element));
      bool valued = false;
      for (simdjson::dom::key_value_pair field : obj) {
        if (EqualsIgnoreCase(field.key, "Name")) continue;
        if (EqualsIgnoreCase(field.key, "Value")) {
          if (field.value.is_null()) continue;
          valued = true;
          Add(entry, field.value, depth + 1, nesting);
        } else {
          valued = true;
          Add(Join(entry, field.key), field.value, depth + 1, nesting);
        }
      }
      if (!valued) Push(entry, std::string(), false);
    }
  }

  // A string holding JSON (Sentinel and CSV exports keep nested values as
  // text) is flattened like the value it holds. False when it holds none.
  bool AddDecoded(const std::string& path, std::string_view text, int depth, int nesting) {
    const std::string_view t = json::StripLeadingSpace(text);
    if (nesting >= kMaxStringNesting || t.empty() || (t.front() != '{' && t.front() != '[')) {
      return false;
    }
    json::ParserLease lease;
    element inner;
    if (lease.Parse(t).get(inner) != simdjson::SUCCESS) return false;
    Add(path, inner, depth, nesting + 1);
    return true;
  }

  void Push(const std::string& path, std::string value, bool has_value) {
    if (has_value && value.empty()) return;  // blanks carry nothing
    for (std::string_view held : held_) {
      if (path == held) return;
    }
    out_->push_back(NameValue{path, std::move(value), has_value});
  }

  absl::Span<const std::string_view> held_;
  std::vector<NameValue>* out_;
};

}  // namespace

void AppendFlattenedField(std::string_view key, simdjson::dom::element value,
                          absl::Span<const std::string_view> held, std::vector<NameValue>* out) {
  Flattener(held, out).Add(std::string(key), value, 1, 0);
}

void SortFlattened(std::vector<NameValue>* extra, size_t from) {
  std::stable_sort(extra->begin() + static_cast<std::ptrdiff_t>(from), extra->end(),
                   [](const NameValue& a, const NameValue& b) { return a.name < b.name; });
}

}  // namespace tern

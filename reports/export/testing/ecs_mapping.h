// Test-only: checks ECS documents against the index template's mapping
// (docs/ecs/tern-ecs-template.json): every field must be declared, with a
// type its value can be indexed as, the way Elasticsearch's "strict" dynamic
// mapping would accept it (keyword/text: string; long: integer; boolean;
// date: RFC 3339; ip: an IP literal; geo_point: {lat, lon}; objects by their
// properties; arrays element by element). Thread-compatible.
#ifndef TERN_REPORTS_EXPORT_TESTING_ECS_MAPPING_H_
#define TERN_REPORTS_EXPORT_TESTING_ECS_MAPPING_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/ip.h"
#include "core/base/time.h"
#include "simdjson.h"

namespace tern::testing {

class EcsMapping {
 public:
  // Parses the template text; on error, error() is non-empty.
  explicit EcsMapping(const std::string& template_text) {
    simdjson::dom::element root;
    if (parser_.parse(template_text).get(root) != simdjson::SUCCESS) {
      error_ = "template is not JSON";
      return;
    }
    simdjson::dom::object props;
    if (root.at_pointer("/template/mappings/properties").get(props) != simdjson::SUCCESS) {
      error_ = "no /template/mappings/properties";
      return;
    }
    Flatten(props, "");
  }

  const std::string& error() const { return error_; }
  // Declared leaf fields (dotted path -> type).
  const std::map<std::string, std::string>& fields() const { return fields_; }

  // One message per violation in the JSON document `line`; empty = valid.
  // Each field seen is added to `seen` (if given).
  std::vector<std::string> Check(std::string_view line, std::set<std::string>* seen = nullptr) {
    std::vector<std::string> errors;
    simdjson::dom::element doc;
    if (doc_parser_.parse(line.data(), line.size()).get(doc) != simdjson::SUCCESS ||
        !doc.is_object()) {
      return {"not a JSON object"};
    }
    const simdjson::dom::object object = doc.get_object().value();
    CheckObject(object, "", &errors, seen);
    return errors;
  }

 private:
  void Flatten(simdjson::dom::object props, const std::string& prefix) {
    for (auto [key, value] : props) {
      const std::string path = prefix + std::string(key);
      simdjson::dom::object sub;
      if (value["properties"].get(sub) == simdjson::SUCCESS) {
        objects_.insert(path);
        Flatten(sub, path + ".");
        continue;
      }
      std::string_view type;
      if (value["type"].get(type) == simdjson::SUCCESS) fields_[path] = std::string(type);
    }
  }

  void CheckObject(simdjson::dom::object object, const std::string& prefix,
                   std::vector<std::string>* errors, std::set<std::string>* seen) {
    for (auto [key, value] : object) {
      const std::string path = prefix + std::string(key);
      CheckValue(path, value, errors, seen);
    }
  }

  void CheckValue(const std::string& path, simdjson::dom::element value,
                  std::vector<std::string>* errors, std::set<std::string>* seen) {
    if (value.is_array()) {
      const simdjson::dom::array items = value.get_array().value();
      for (simdjson::dom::element item : items) CheckValue(path, item, errors, seen);
      return;
    }
    auto field = fields_.find(path);
    if (field == fields_.end()) {
      if (objects_.contains(path) && value.is_object()) {
        const simdjson::dom::object object = value.get_object().value();
        CheckObject(object, path + ".", errors, seen);
      } else {
        errors->push_back(path + ": not declared in the mapping");
      }
      return;
    }
    if (seen != nullptr) seen->insert(path);
    const std::string& type = field->second;
    bool ok = false;
    if (type == "keyword" || type == "text") {
      ok = value.is_string();
    } else if (type == "long") {
      ok = value.is_int64() || value.is_uint64();
    } else if (type == "boolean") {
      ok = value.is_bool();
    } else if (type == "date") {
      ok = value.is_string() && ParseIso8601(std::string(value.get_string().value())).ok();
    } else if (type == "ip") {
      ok = value.is_string() && IsIpLiteral(value.get_string().value());
    } else if (type == "geo_point") {
      double lat = 0, lon = 0;
      ok = value.is_object() && value["lat"].get(lat) == simdjson::SUCCESS &&
           value["lon"].get(lon) == simdjson::SUCCESS && lat >= -90 && lat <= 90 && lon >= -180 &&
           lon <= 180 && value.get_object().value().size() == 2;
    }
    if (!ok) errors->push_back(path + ": value does not fit type " + type);
  }

  simdjson::dom::parser parser_;
  simdjson::dom::parser doc_parser_;
  std::map<std::string, std::string> fields_;
  std::set<std::string> objects_;
  std::string error_;
};

}  // namespace tern::testing

#endif  // TERN_REPORTS_EXPORT_TESTING_ECS_MAPPING_H_

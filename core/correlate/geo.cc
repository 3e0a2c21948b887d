#include "core/correlate/geo.h"

#include <maxminddb.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "core/base/ip.h"
#include "core/correlate/text.h"

namespace tern::correlate {

struct GeoIpReader::Db {
  MMDB_s mmdb{};
  ~Db() { MMDB_close(&mmdb); }
};

namespace {

std::string GetString(MMDB_entry_s* entry, const char* const* path) {
  MMDB_entry_data_s data{};
  if (MMDB_aget_value(entry, &data, path) != MMDB_SUCCESS || !data.has_data ||
      data.type != MMDB_DATA_TYPE_UTF8_STRING) {
    return "";
  }
  return std::string(data.utf8_string, data.data_size);
}

bool GetDouble(MMDB_entry_s* entry, const char* const* path, double* out) {
  MMDB_entry_data_s data{};
  if (MMDB_aget_value(entry, &data, path) != MMDB_SUCCESS || !data.has_data) return false;
  if (data.type == MMDB_DATA_TYPE_DOUBLE) {
    *out = data.double_value;
    return true;
  }
  if (data.type == MMDB_DATA_TYPE_FLOAT) {
    *out = data.float_value;
    return true;
  }
  return false;
}

uint64_t GetUnsigned(MMDB_entry_s* entry, const char* const* path) {
  MMDB_entry_data_s data{};
  if (MMDB_aget_value(entry, &data, path) != MMDB_SUCCESS || !data.has_data) return 0;
  switch (data.type) {
    case MMDB_DATA_TYPE_UINT16:
      return data.uint16;
    case MMDB_DATA_TYPE_UINT32:
      return data.uint32;
    case MMDB_DATA_TYPE_INT32:
      return data.int32 < 0 ? 0 : static_cast<uint64_t>(data.int32);
    case MMDB_DATA_TYPE_UINT64:
      return data.uint64;
    default:
      return 0;
  }
}

// Looks `ip` up in `db`; false when it is not an address or has no entry.
bool Find(const GeoIpReader::Db* db, const std::string& ip, MMDB_lookup_result_s* result) {
  if (db == nullptr) return false;
  int gai_error = 0;
  int mmdb_error = MMDB_SUCCESS;
  *result = MMDB_lookup_string(&db->mmdb, ip.c_str(), &gai_error, &mmdb_error);
  return gai_error == 0 && mmdb_error == MMDB_SUCCESS && result->found_entry;
}

// Opens one database read-only (memory-mapped); nullptr plus a warning when
// it cannot be used. `expect` is a word the database type should contain.
std::unique_ptr<GeoIpReader::Db> OpenDb(const std::string& path, std::string_view what,
                                        std::string_view expect, std::vector<Warning>* warnings) {
  if (path.empty()) return nullptr;
  auto db = std::make_unique<GeoIpReader::Db>();
  int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &db->mmdb);
  if (status != MMDB_SUCCESS) {
    // MMDB_open leaves nothing to close on failure; keep the destructor from
    // touching a half-initialized handle.
    db->mmdb = MMDB_s{};
    warnings->push_back(Warning{"geoip-unavailable", path, 0,
                                Cat("cannot open the ", what, " database (", MMDB_strerror(status),
                                    "); analysis continues without it")});
    return nullptr;
  }
  const char* type = db->mmdb.metadata.database_type;
  if (type == nullptr || std::string_view(type).find(expect) == std::string_view::npos) {
    // Still usable (a Country database answers country lookups), but the user
    // probably swapped the two options; say so once.
    warnings->push_back(
        Warning{"geoip-unexpected-type", path, 0,
                Cat("the ", what, " database has type '", type == nullptr ? "" : type,
                    "', expected a ", expect, " database")});
  }
  return db;
}

}  // namespace

GeoIpReader::GeoIpReader(std::unique_ptr<Db> city, std::unique_ptr<Db> asn)
    : city_(std::move(city)), asn_(std::move(asn)) {}

GeoIpReader::~GeoIpReader() = default;

std::unique_ptr<GeoIpReader> GeoIpReader::Open(const std::string& city_path,
                                               const std::string& asn_path,
                                               std::vector<Warning>* warnings) {
  auto city = OpenDb(city_path, "City", "City", warnings);
  auto asn = OpenDb(asn_path, "ASN", "ASN", warnings);
  return std::unique_ptr<GeoIpReader>(new GeoIpReader(std::move(city), std::move(asn)));
}

bool GeoIpReader::has_city() const { return city_ != nullptr; }
bool GeoIpReader::has_asn() const { return asn_ != nullptr; }

GeoResult GeoIpReader::Resolve(std::string_view ip_view) const {
  GeoResult out;
  if (!IsIpLiteral(ip_view) || IsPrivateOrLocalIp(ip_view)) return out;
  const std::string ip(ip_view);
  MMDB_lookup_result_s result{};
  if (Find(city_.get(), ip, &result)) {
    static const char* const kCountryIso[] = {"country", "iso_code", nullptr};
    static const char* const kCountryName[] = {"country", "names", "en", nullptr};
    static const char* const kRegisteredIso[] = {"registered_country", "iso_code", nullptr};
    static const char* const kRegisteredName[] = {"registered_country", "names", "en", nullptr};
    static const char* const kCity[] = {"city", "names", "en", nullptr};
    static const char* const kLat[] = {"location", "latitude", nullptr};
    static const char* const kLon[] = {"location", "longitude", nullptr};
    static const char* const kAccuracy[] = {"location", "accuracy_radius", nullptr};
    out.info.known = true;
    out.info.country_iso = GetString(&result.entry, kCountryIso);
    out.info.country = GetString(&result.entry, kCountryName);
    if (out.info.country_iso.empty()) {
      // Some ranges carry only the registration country (e.g. anycast blocks).
      out.info.country_iso = GetString(&result.entry, kRegisteredIso);
      out.info.country = GetString(&result.entry, kRegisteredName);
    }
    out.info.city = GetString(&result.entry, kCity);
    double lat = 0;
    double lon = 0;
    if (GetDouble(&result.entry, kLat, &lat) && GetDouble(&result.entry, kLon, &lon)) {
      out.has_location = true;
      out.info.latitude = lat;
      out.info.longitude = lon;
      out.info.accuracy_km = static_cast<int>(GetUnsigned(&result.entry, kAccuracy));
    }
  }
  if (Find(asn_.get(), ip, &result)) {
    static const char* const kAsn[] = {"autonomous_system_number", nullptr};
    static const char* const kOrg[] = {"autonomous_system_organization", nullptr};
    out.info.asn = static_cast<uint32_t>(GetUnsigned(&result.entry, kAsn));
    out.info.as_org = GetString(&result.entry, kOrg);
  }
  return out;
}

double HaversineKm(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kEarthRadiusKm = 6372.795;
  constexpr double kRad = 3.14159265358979323846 / 180.0;
  const double dlat = (lat2 - lat1) * kRad;
  const double dlon = (lon2 - lon1) * kRad;
  const double a =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::sqrt(std::min(1.0, a)));
}

}  // namespace tern::correlate

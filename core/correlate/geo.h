// Offline geo-IP: reads the user's own MaxMind City / ASN databases
// (GeoLite2-City.mmdb, GeoLite2-ASN.mmdb) with libmaxminddb, read-only.
// The only libmaxminddb user; no libmaxminddb type appears in this header.
//
// Missing or unreadable databases are not errors: Open() reports a warning
// and lookups simply return unknown locations, so analysis works without geo.
//
// Thread-safety: after Open(), Lookup()/Resolve() are const and safe to call
// from several threads at once (libmaxminddb lookups only read the mapping).
#ifndef TERN_CORE_CORRELATE_GEO_H_
#define TERN_CORE_CORRELATE_GEO_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/finding.h"
#include "core/model/warning.h"

namespace tern::correlate {

// One lookup: the facts plus whether coordinates were present. GeoInfo.known
// is true when the City database has an entry for the address (country,
// city, coordinates and accuracy come from it); the ASN fields are filled
// whenever the ASN database has an entry, whether or not the City one does.
struct GeoResult {
  GeoInfo info;
  bool has_location = false;  // latitude/longitude were present in the entry
};

class GeoIpReader {
 public:
  // Opens the databases at `city_path` and `asn_path`; "" means "not given".
  // A path that cannot be opened (missing, not a MaxMind DB) adds one warning
  // of kind "geoip-unavailable" to `warnings` (which must not be null) and is
  // then ignored. Never fails.
  static std::unique_ptr<GeoIpReader> Open(const std::string& city_path,
                                           const std::string& asn_path,
                                           std::vector<Warning>* warnings);
  ~GeoIpReader();
  GeoIpReader(const GeoIpReader&) = delete;
  GeoIpReader& operator=(const GeoIpReader&) = delete;

  bool has_city() const;
  bool has_asn() const;

  // Looks up a normalized IP literal (core/base/ip.h). Host names, private
  // and local addresses, and addresses not in the databases give an unknown
  // result (known == false, asn == 0).
  GeoResult Resolve(std::string_view ip) const;
  GeoInfo Lookup(std::string_view ip) const { return Resolve(ip).info; }

  // One open database; opaque outside geo.cc.
  struct Db;

 private:
  GeoIpReader(std::unique_ptr<Db> city, std::unique_ptr<Db> asn);
  std::unique_ptr<Db> city_;
  std::unique_ptr<Db> asn_;
};

// Great-circle distance in km between two points given in degrees, with the
// earth radius 6372.795 km used by Panther's impossible-travel helper
// (DETECTIONS.md entry 67, global_helpers/panther_ipinfo_helpers.py).
double HaversineKm(double lat1, double lon1, double lat2, double lon2);

}  // namespace tern::correlate

#endif  // TERN_CORE_CORRELATE_GEO_H_

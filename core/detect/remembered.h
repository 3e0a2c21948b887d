// Remembered: an event a rule keeps in a window (or as the first of a
// series) to anchor a later finding on it, packed. Rules keep one per event
// of their windows, for every mailbox, IP or application at once: as an
// anchor plus two strings it took ~190 bytes with its heap blocks, packed 80
// (docs/BENCHMARKS.md "Change 17"). The record id is a PackedText, the IP
// PackCanonicalIp's 16 bytes and the tern session id its 48-bit value;
// text in any other form is kept as it is, apart.
//
// Thread-compatible. Copies are deep.
#ifndef TERN_CORE_DETECT_REMEMBERED_H_
#define TERN_CORE_DETECT_REMEMBERED_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/base/ip.h"
#include "core/base/time.h"
#include "core/detect/incident.h"
#include "core/detect/packed_text.h"
#include "core/detect/rule.h"
#include "core/model/finding.h"

namespace tern::detect {

class Remembered {
 public:
  Remembered() = default;
  // An anchor with the event's client IP and tern session id (either may be
  // empty).
  explicit Remembered(const EvidenceAnchor& anchor, std::string_view ip = {},
                      std::string_view session = {})
      : Remembered(PackedAnchor(anchor), ip, session) {}
  Remembered(PackedAnchor anchor, std::string_view ip, std::string_view session);

  Remembered(const Remembered& other);
  Remembered& operator=(const Remembered& other);
  Remembered(Remembered&&) = default;
  Remembered& operator=(Remembered&&) = default;

  static Remembered Of(const EventContext& ctx) {
    return Remembered(PackedAnchor::Of(ctx.e()), ctx.e().client_ip, ctx.session);
  }

  TimeMs time_ms() const { return anchor_.time_ms(); }
  std::string ip() const;
  std::string session() const;
  // True when the event had an IP and it is `ip`.
  bool HasIp(std::string_view ip) const;
  // Adds the event to `incident` (Incident::AddAnchor).
  void AddTo(Incident& incident) const;

 private:
  // Flags in the high bits of session_; its low 48 bits are the session's.
  static constexpr uint64_t kIpPacked = uint64_t{1} << 63;
  static constexpr uint64_t kSessionPacked = uint64_t{1} << 62;
  static constexpr uint64_t kValueBits = (uint64_t{1} << 48) - 1;
  // The IP and session when they are not in a packed form (nor empty).
  struct Texts {
    std::string ip;
    std::string session;
  };
  Texts& MutableTexts();

  PackedAnchor anchor_;
  PackedIp ip_{};
  uint64_t session_ = 0;
  std::unique_ptr<Texts> texts_;
};

}  // namespace tern::detect

#endif  // TERN_CORE_DETECT_REMEMBERED_H_

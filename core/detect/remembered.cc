#include "core/detect/remembered.h"

#include <optional>
#include <utility>

#include "core/correlate/sessionizer.h"

namespace tern::detect {

Remembered::Remembered(PackedAnchor anchor, std::string_view ip, std::string_view session)
    : anchor_(std::move(anchor)) {
  if (const std::optional<PackedIp> packed = PackCanonicalIp(ip)) {
    ip_ = *packed;
    session_ |= kIpPacked;
  } else if (!ip.empty()) {
    MutableTexts().ip = std::string(ip);
  }
  if (const std::optional<uint64_t> value = correlate::SessionIdValue(session)) {
    session_ |= kSessionPacked | (*value & kValueBits);
  } else if (!session.empty()) {
    MutableTexts().session = std::string(session);
  }
}

Remembered::Remembered(const Remembered& other)
    : anchor_(other.anchor_),
      ip_(other.ip_),
      session_(other.session_),
      texts_(other.texts_ == nullptr ? nullptr : std::make_unique<Texts>(*other.texts_)) {}

Remembered& Remembered::operator=(const Remembered& other) {
  if (this != &other) *this = Remembered(other);
  return *this;
}

Remembered::Texts& Remembered::MutableTexts() {
  if (texts_ == nullptr) texts_ = std::make_unique<Texts>();
  return *texts_;
}

std::string Remembered::ip() const {
  if (session_ & kIpPacked) return PackedIpText(ip_);
  return texts_ != nullptr ? texts_->ip : std::string();
}

bool Remembered::HasIp(std::string_view ip) const {
  if (session_ & kIpPacked) {
    const std::optional<PackedIp> packed = PackCanonicalIp(ip);
    return packed.has_value() && *packed == ip_;
  }
  return texts_ != nullptr && !texts_->ip.empty() && texts_->ip == ip;
}

std::string Remembered::session() const {
  if (session_ & kSessionPacked) return correlate::SessionIdText(session_ & kValueBits);
  return texts_ != nullptr ? texts_->session : std::string();
}

void Remembered::AddTo(Incident& incident) const { incident.AddAnchor(anchor_, ip(), session()); }

}  // namespace tern::detect

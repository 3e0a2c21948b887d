#include "core/detect/fields.h"

#include <algorithm>

namespace tern::detect {
namespace {

std::string_view ValueOf(const std::vector<NameValue>& list, std::string_view name) {
  const NameValue* nv = Event::Find(list, name);
  return nv == nullptr ? std::string_view() : std::string_view(nv->value);
}

bool IsLocalChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '%' || c == '+' || c == '-';
}

bool IsDomainChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-';
}

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// A word character for keyword matching: letters, digits, '#', '-', and
// any non-ASCII byte (localized words such as "Zahlung", "platnosc").
bool IsWordChar(char c) {
  return IsAlpha(c) || (c >= '0' && c <= '9') || c == '#' || c == '-' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool InList(std::string_view value, std::initializer_list<std::string_view> list) {
  for (std::string_view item : list) {
    if (EqualsIgnoreCase(value, item)) return true;
  }
  return false;
}

// Appendix A, merged: Sentinel Malicious_Inbox_Rule and BEC_MailboxRule,
// Elastic's delete/move rule words, Sigma PR BEC indicators.
constexpr std::string_view kKeywords[] = {
    // Sentinel Malicious_Inbox_Rule
    "helpdesk", "alert", "suspicious", "fake", "malicious", "phishing", "spam", "do not click",
    "do not open", "hijacked", "fatal",
    // Sentinel BEC_MailboxRule
    "invoice", "payment", "payroll", "paycheck", "transfer", "bank statement", "bank details",
    "wire", "closing", "funds", "bank account", "account details", "iban", "ach", "remit",
    "purchase", "deposit", "pro-forma", "bank", "platnosc", "po#", "zahlung", "rechnung",
    "paiement", "virement", "bankuberweisung", "hacked", "direct deposit", "doc",
    // Elastic
    "phish", "hack", "malware", "security", "fraud", "reset", "unusual", "protection", "login",
    // Sigma PR
    "w2", "docusign", "wetransfer", "postmaster"};

}  // namespace

std::string_view Param(const Event& e, std::string_view name) {
  return ValueOf(e.parameters, name);
}

bool HasParam(const Event& e, std::string_view name) {
  return Event::Find(e.parameters, name) != nullptr;
}

std::string_view Prop(const Event& e, std::string_view name) {
  return ValueOf(e.operation_properties, name);
}

std::string_view Extra(const Event& e, std::string_view name) { return ValueOf(e.extra, name); }

std::optional<bool> ParseBool(std::string_view v) {
  v = Trim(v);
  if (!v.empty() && v.front() == '$') v.remove_prefix(1);
  if (InList(v, {"true", "1", "yes"})) return true;
  if (InList(v, {"false", "0", "no"})) return false;
  return std::nullopt;
}

bool Succeeded(const Event& e) { return !InList(Trim(e.result_status), {"failed", "false"}); }

bool OpIs(const Event& e, std::string_view op) { return EqualsIgnoreCase(e.operation, op); }

bool OpIn(const Event& e, std::initializer_list<std::string_view> ops) {
  return InList(e.operation, ops);
}

std::vector<std::string> Addresses(std::string_view value) {
  std::vector<std::string> out;
  for (size_t at = value.find('@'); at != std::string_view::npos; at = value.find('@', at + 1)) {
    size_t begin = at;
    while (begin > 0 && IsLocalChar(value[begin - 1])) --begin;
    size_t end = at + 1;
    while (end < value.size() && IsDomainChar(value[end])) ++end;
    std::string_view local = value.substr(begin, at - begin);
    std::string_view domain = value.substr(at + 1, end - at - 1);
    // ':' is not a local-part character, so an "smtp:" prefix is left out.
    while (!domain.empty() && (domain.back() == '.' || domain.back() == '-')) {
      domain.remove_suffix(1);
    }
    const size_t dot = domain.rfind('.');
    if (local.empty() || dot == std::string_view::npos || dot == 0 || dot + 2 > domain.size() ||
        !IsAlpha(domain.back())) {
      continue;
    }
    std::string address = Lower(Cat(local, "@", domain));
    if (std::find(out.begin(), out.end(), address) == out.end()) out.push_back(address);
  }
  return out;
}

std::string DomainOf(std::string_view address) {
  const size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string() : Lower(address.substr(at + 1));
}

std::string InboxRuleName(const Event& e) {
  if (std::string_view name = Param(e, "Name"); !name.empty()) return std::string(name);
  if (const size_t p = e.object_id.rfind('\\'); p != std::string::npos) {
    return e.object_id.substr(p + 1);
  }
  if (std::string_view name = Prop(e, "RuleName"); !name.empty()) return std::string(name);
  return "";
}

std::string_view FolderLeaf(std::string_view path) {
  path = Trim(path);
  while (!path.empty() && (path.back() == '\\' || path.back() == '/')) path.remove_suffix(1);
  const size_t p = path.find_last_of("\\/");
  if (p != std::string_view::npos) path.remove_prefix(p + 1);
  if (!path.empty() && path.front() == ':') path.remove_prefix(1);
  return Trim(path);
}

bool IsHidingFolder(std::string_view folder) {
  return InList(
      FolderLeaf(folder),
      {// Archive
       "Archive", "Archiv", "Archiveren", "Archivio", "Archivo", "Arkiv", "Arkiver", "Arquivo",
       // Conversation History
       "Conversation History", "Verlauf der Unterhaltung", "Historique des conversations",
       "Historial de conversaciones", "Cronologia delle conversazioni", "Gesprekgeschiedenis",
       "Histórico de Conversações", "Konversationshistorik", "Samtalehistorik", "Samtalelogg",
       // Junk Email
       "Junk Email", "Junk E-Mail", "Junk-E-Mail", "Courrier indésirable", "Correo no deseado",
       "Posta indesiderata", "Ongewenste e-mail", "E-mail de Lixo", "Skräppost", "Søppelpost",
       "Uønsket mail",
       // RSS
       "RSS Feeds", "RSS Subscriptions", "RSS-Feeds", "RSS-Abonnements", "RSS-feeder",
       "RSS-syötteet", "Sottoscrizioni RSS", "RSS-подписки",
       // Deleted Items and Notes (Microsoft's compromise symptoms, entry 4)
       "Deleted Items", "Notes"});
}

bool IsSentFolder(std::string_view folder) {
  return InList(FolderLeaf(folder),
                {"Sent Items", "Sent", "Sent Mail", "Gesendete Elemente", "Gesendete Objekte",
                 "Éléments envoyés", "Elementos enviados", "Posta inviata", "Verzonden items",
                 "Itens Enviados", "Skickat", "Skickade objekt", "Sendte elementer", "Sendt"});
}

std::string MatchKeyword(std::string_view text) {
  const std::string lower = Lower(text);
  // Multi-word keywords first, as substrings.
  for (std::string_view k : kKeywords) {
    if (k.find(' ') != std::string_view::npos && lower.find(k) != std::string::npos) {
      return std::string(k);
    }
  }
  size_t i = 0;
  while (i < lower.size()) {
    while (i < lower.size() && !IsWordChar(lower[i])) ++i;
    size_t j = i;
    while (j < lower.size() && IsWordChar(lower[j])) ++j;
    const std::string_view word(lower.data() + i, j - i);
    for (std::string_view k : kKeywords) {
      if (k.find(' ') != std::string_view::npos) continue;
      if (word == k || (k.size() >= 5 && word.starts_with(k))) return std::string(k);
    }
    i = j;
  }
  return "";
}

}  // namespace tern::detect

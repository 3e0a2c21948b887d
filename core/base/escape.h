// Neutralizing attacker-controlled text for each output channel.
//
// Subjects, rule names, user agents and folder names come from evidence and so
// from the attacker. Pure functions, thread-safe.
#ifndef TERN_CORE_BASE_ESCAPE_H_
#define TERN_CORE_BASE_ESCAPE_H_

#include <string>
#include <string_view>

namespace tern {

// Escapes for HTML text and quoted attribute values: & < > " ' and also
// replaces control characters (except \t \n) and invalid UTF-8 with U+FFFD.
std::string HtmlEscape(std::string_view text);

// One CSV cell (RFC 4180): quoted when needed, quotes doubled, and a cell
// starting with = + - @ TAB or CR is prefixed with a single quote so that
// spreadsheets never evaluate it as a formula.
std::string CsvCell(std::string_view text);

// For terminal output: removes ESC sequences (CSI, OSC, DCS, ...) and C0/C1
// control characters (except \t and \n), so evidence cannot move the cursor or
// retitle the terminal. Invalid UTF-8 becomes U+FFFD (a raw 0x9b byte is CSI).
std::string TerminalSafe(std::string_view text);

// Replaces invalid UTF-8 sequences with U+FFFD; valid text is returned unchanged.
std::string SanitizeUtf8(std::string_view text);

// True if `text` is valid UTF-8; on false, *bad_offset (if not null) is the
// byte offset of the first invalid sequence.
bool IsValidUtf8(std::string_view text, size_t* bad_offset = nullptr);

}  // namespace tern

#endif  // TERN_CORE_BASE_ESCAPE_H_

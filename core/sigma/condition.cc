#include "core/sigma/condition.h"

#include <cctype>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/base/strings.h"
#include "core/correlate/text.h"
#include "core/sigma/pattern.h"

namespace tern::sigma {
namespace {

// Identifier patterns use '*' and '?' as Sigma values do; identifiers are
// case-sensitive.
bool NameMatches(std::string_view pattern, std::string_view name) {
  return Pattern::Text(pattern, /*cased=*/true, /*wrap_start=*/false, /*wrap_end=*/false)
      .Matches(name);
}

class Parser {
 public:
  Parser(std::string_view text, const std::vector<std::string>& names) : names_(names) {
    Tokenize(text);
  }

  absl::StatusOr<Condition> Parse() {
    if (!error_.empty()) return absl::InvalidArgumentError(error_);
    if (tokens_.empty()) return absl::InvalidArgumentError("empty condition");
    absl::StatusOr<Condition> c = ParseOr(0);
    if (!c.ok()) return c;
    if (pos_ != tokens_.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unexpected '", tokens_[pos_], "' in condition"));
    }
    return c;
  }

 private:
  static constexpr int kMaxDepth = 64;

  void Tokenize(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
      const char c = text[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
      } else if (c == '(' || c == ')') {
        tokens_.emplace_back(1, c);
        ++i;
      } else if (c == '|') {
        error_ = "the aggregation pipe ('| count() ...') is deprecated: use a correlation rule";
        return;
      } else {
        size_t j = i;
        while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j])) &&
               text[j] != '(' && text[j] != ')' && text[j] != '|') {
          ++j;
        }
        tokens_.emplace_back(text.substr(i, j - i));
        i = j;
      }
    }
  }

  bool Peek(std::string_view word) const {
    return pos_ < tokens_.size() && EqualsIgnoreCase(tokens_[pos_], word);
  }

  absl::StatusOr<Condition> Combine(int depth, Condition::Op op, std::string_view word) {
    absl::StatusOr<Condition> first =
        op == Condition::Op::kOr ? ParseOr(depth, true) : ParseNot(depth);
    if (!first.ok()) return first;
    if (!Peek(word)) return first;
    Condition c;
    c.op = op;
    c.children.push_back(*std::move(first));
    while (Peek(word)) {
      ++pos_;
      absl::StatusOr<Condition> next =
          op == Condition::Op::kOr ? ParseOr(depth, true) : ParseNot(depth);
      if (!next.ok()) return next;
      c.children.push_back(*std::move(next));
    }
    return c;
  }

  // or-expression := and ('or' and)*; `and_level` parses one and-expression.
  absl::StatusOr<Condition> ParseOr(int depth, bool and_level = false) {
    if (depth > kMaxDepth) return absl::InvalidArgumentError("condition nests too deep");
    if (and_level) return Combine(depth, Condition::Op::kAnd, "and");
    return Combine(depth, Condition::Op::kOr, "or");
  }

  absl::StatusOr<Condition> ParseNot(int depth) {
    if (depth > kMaxDepth) return absl::InvalidArgumentError("condition nests too deep");
    if (Peek("not")) {
      ++pos_;
      absl::StatusOr<Condition> inner = ParseNot(depth + 1);
      if (!inner.ok()) return inner;
      Condition c;
      c.op = Condition::Op::kNot;
      c.children.push_back(*std::move(inner));
      return c;
    }
    return ParsePrimary(depth);
  }

  absl::StatusOr<Condition> ParsePrimary(int depth) {
    if (pos_ >= tokens_.size()) return absl::InvalidArgumentError("condition ends too early");
    const std::string& t = tokens_[pos_];
    if (t == "(") {
      ++pos_;
      absl::StatusOr<Condition> inner = ParseOr(depth + 1);
      if (!inner.ok()) return inner;
      if (!Peek(")")) return absl::InvalidArgumentError("missing ')' in condition");
      ++pos_;
      return inner;
    }
    if (t == ")" || EqualsIgnoreCase(t, "and") || EqualsIgnoreCase(t, "or") ||
        EqualsIgnoreCase(t, "of")) {
      return absl::InvalidArgumentError(absl::StrCat("unexpected '", t, "' in condition"));
    }
    if (pos_ + 1 < tokens_.size() && EqualsIgnoreCase(tokens_[pos_ + 1], "of")) {
      return ParseQuantifier();
    }
    ++pos_;
    for (size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == t) {
        Condition c;
        c.op = Condition::Op::kRef;
        c.selection = static_cast<int>(i);
        return c;
      }
    }
    return absl::InvalidArgumentError(absl::StrCat("unknown search identifier '", t, "'"));
  }

  absl::StatusOr<Condition> ParseQuantifier() {
    const std::string quantifier = tokens_[pos_];
    pos_ += 2;  // quantifier, "of"
    if (pos_ >= tokens_.size()) {
      return absl::InvalidArgumentError(absl::StrCat("'", quantifier, " of' names nothing"));
    }
    const std::string target = tokens_[pos_++];
    Condition c;
    int n = 0;
    if (EqualsIgnoreCase(quantifier, "all")) {
      c.op = Condition::Op::kAllOf;
    } else if (EqualsIgnoreCase(quantifier, "any")) {
      c.op = Condition::Op::kOneOf;
    } else if (absl::SimpleAtoi(quantifier, &n) && n >= 1) {
      c.op = n == 1 ? Condition::Op::kOneOf : Condition::Op::kCountOf;
      c.count = n;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("bad quantifier '", quantifier, "' (use 'all', or a number from 1)"));
    }
    const bool them = EqualsIgnoreCase(target, "them");
    for (size_t i = 0; i < names_.size(); ++i) {
      if (them ? names_[i].empty() || names_[i][0] != '_' : NameMatches(target, names_[i])) {
        c.selections.push_back(static_cast<int>(i));
      }
    }
    if (c.selections.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", quantifier, " of ", target, "' matches no search identifier"));
    }
    return c;
  }

  const std::vector<std::string>& names_;
  std::vector<std::string> tokens_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace

absl::StatusOr<Condition> ParseCondition(std::string_view text,
                                         const std::vector<std::string>& names) {
  return Parser(text, names).Parse();
}

}  // namespace tern::sigma

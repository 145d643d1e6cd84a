#include "cel/parser.h"

#include "cel/macros.h"

#include <climits>

#include <cstdint>
#include <optional>
#include <utility>

namespace sluice::cel {
namespace {

using detail::NodeFactory;

class Parser {
 public:
  Parser(std::vector<Token> tokens, const ParseOptions& options)
      : tokens_(std::move(tokens)), options_(options) {}

  Result<ExprPtr> run() {
    ExprPtr root = expr();
    if (!error_ && peek().kind != TokenKind::kEnd) {
      fail(peek().position, "unexpected " + std::string(token_name(peek().kind)));
    }
    if (error_) return std::move(*error_);
    return root;
  }

 private:
  // --- Tokens and errors -------------------------------------------------------------------

  const Token& peek(std::size_t ahead = 0) const {
    const std::size_t i = std::min(at_ + ahead, tokens_.size() - 1);
    return tokens_[i];
  }
  Token take() {
    Token token = tokens_[at_];
    if (at_ + 1 < tokens_.size()) ++at_;
    return token;
  }
  bool accept(TokenKind kind) {
    if (peek().kind != kind) return false;
    take();
    return true;
  }
  bool expect(TokenKind kind) {
    if (accept(kind)) return true;
    fail(peek().position, "expected " + std::string(token_name(kind)) + ", found " +
                              std::string(token_name(peek().kind)));
    return false;
  }
  ExprPtr fail(SourcePosition at, const std::string& message) {
    if (!error_) {
      error_ =
          make_error(ErrorCode::kInvalidArgument,
                     std::to_string(at.line) + ":" + std::to_string(at.column) + ": " + message);
    }
    return nullptr;
  }

  /// Bounds recursion: every grammar rule that can nest goes through one of these.
  struct DepthGuard {
    explicit DepthGuard(Parser& p) : parser(p) { ++parser.depth_; }
    ~DepthGuard() { --parser.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    Parser& parser;
  };
  /// A left-associative chain (`a + b + c`, `x.f.g[0]`) builds a tree one level deeper per link,
  /// which the evaluator walks recursively, so every link counts as a nesting level for the rest
  /// of the chain.
  struct ChainDepth {
    explicit ChainDepth(Parser& p) : parser(p) {}
    ~ChainDepth() { parser.depth_ -= links; }
    ChainDepth(const ChainDepth&) = delete;
    ChainDepth& operator=(const ChainDepth&) = delete;
    /// False (with the error set) when the chain got too deep.
    bool add_link() {
      ++links;
      ++parser.depth_;
      return !parser.too_deep(parser.peek().position);
    }
    Parser& parser;
    int links = 0;
  };
  bool too_deep(SourcePosition at) {
    if (depth_ <= options_.max_depth) return false;
    fail(at, "expression nested more than " + std::to_string(options_.max_depth) + " levels");
    return true;
  }

  // --- Grammar -----------------------------------------------------------------------------

  // Expr = ConditionalOr ["?" ConditionalOr ":" Expr]
  ExprPtr expr() {
    const DepthGuard guard(*this);
    if (too_deep(peek().position)) return nullptr;
    ExprPtr condition = or_expr();
    if (error_ || peek().kind != TokenKind::kQuestion) return condition;
    const SourcePosition at = take().position;
    ExprPtr when_true = or_expr();
    if (error_ || !expect(TokenKind::kColon)) return nullptr;
    ExprPtr when_false = expr();
    if (error_) return nullptr;
    return nodes_.call(
        at, "_?_:_", nullptr,
        nodes_.list_of(std::move(condition), std::move(when_true), std::move(when_false)));
  }

  ExprPtr or_expr() { return binary_chain(TokenKind::kOrOr, "_||_", &Parser::and_expr); }
  ExprPtr and_expr() { return binary_chain(TokenKind::kAndAnd, "_&&_", &Parser::relation); }

  ExprPtr binary_chain(TokenKind op, const char* function, ExprPtr (Parser::*operand)()) {
    ExprPtr left = (this->*operand)();
    ChainDepth chain(*this);
    while (!error_ && peek().kind == op && chain.add_link()) {
      const SourcePosition at = take().position;
      ExprPtr right = (this->*operand)();
      if (error_) return nullptr;
      left = nodes_.call(at, function, nullptr, nodes_.list_of(std::move(left), std::move(right)));
    }
    return left;
  }

  static const char* relation_function(TokenKind kind) {
    switch (kind) {
      case TokenKind::kLess:
        return "_<_";
      case TokenKind::kLessEqual:
        return "_<=_";
      case TokenKind::kGreater:
        return "_>_";
      case TokenKind::kGreaterEqual:
        return "_>=_";
      case TokenKind::kEqualEqual:
        return "_==_";
      case TokenKind::kBangEqual:
        return "_!=_";
      case TokenKind::kIn:
        return "@in";
      default:
        return nullptr;
    }
  }

  ExprPtr relation() {
    ExprPtr left = addition();
    ChainDepth chain(*this);
    while (!error_) {
      const char* function = relation_function(peek().kind);
      if (function == nullptr || !chain.add_link()) break;
      const SourcePosition at = take().position;
      ExprPtr right = addition();
      if (error_) return nullptr;
      left = nodes_.call(at, function, nullptr, nodes_.list_of(std::move(left), std::move(right)));
    }
    return left;
  }

  ExprPtr addition() {
    ExprPtr left = multiplication();
    ChainDepth chain(*this);
    while (!error_ && (peek().kind == TokenKind::kPlus || peek().kind == TokenKind::kMinus) &&
           chain.add_link()) {
      const Token op = take();
      ExprPtr right = multiplication();
      if (error_) return nullptr;
      left = nodes_.call(op.position, op.kind == TokenKind::kPlus ? "_+_" : "_-_", nullptr,
                         nodes_.list_of(std::move(left), std::move(right)));
    }
    return left;
  }

  ExprPtr multiplication() {
    ExprPtr left = unary();
    ChainDepth chain(*this);
    while (!error_ &&
           (peek().kind == TokenKind::kStar || peek().kind == TokenKind::kSlash ||
            peek().kind == TokenKind::kPercent) &&
           chain.add_link()) {
      const Token op = take();
      ExprPtr right = unary();
      if (error_) return nullptr;
      const char* function = op.kind == TokenKind::kStar    ? "_*_"
                             : op.kind == TokenKind::kSlash ? "_/_"
                                                            : "_%_";
      left = nodes_.call(op.position, function, nullptr,
                         nodes_.list_of(std::move(left), std::move(right)));
    }
    return left;
  }

  // Unary = Member | "!" {"!"} Member | "-" {"-"} Member. A minus directly before a numeric
  // literal folds into a negative constant (so -9223372036854775808 is a valid int).
  ExprPtr unary() {
    const DepthGuard guard(*this);
    if (too_deep(peek().position)) return nullptr;
    if (peek().kind == TokenKind::kBang) {
      const SourcePosition at = take().position;
      ExprPtr operand = unary();
      if (error_) return nullptr;
      return nodes_.call(at, "!_", nullptr, nodes_.list_of(std::move(operand)));
    }
    if (peek().kind == TokenKind::kMinus) {
      const SourcePosition at = take().position;
      const TokenKind next = peek().kind;
      if ((next == TokenKind::kInt || next == TokenKind::kDouble) && !continues_member()) {
        const Token literal = take();
        if (literal.kind == TokenKind::kDouble) return nodes_.double_constant(at, -literal.number);
        if (literal.integer == (std::uint64_t{1} << 63)) {
          return nodes_.int_constant(at, INT64_MIN);
        }
        return nodes_.int_constant(at, -static_cast<std::int64_t>(literal.integer));
      }
      ExprPtr operand = unary();
      if (error_) return nullptr;
      return nodes_.call(at, "-_", nullptr, nodes_.list_of(std::move(operand)));
    }
    return member();
  }

  /// True if the next token (a literal) is followed by a member access (`-1.x`, `-1[0]`), where
  /// the minus applies to the whole member expression rather than to the literal.
  bool continues_member() const {
    const TokenKind after = peek(1).kind;
    return after == TokenKind::kDot || after == TokenKind::kQuestionDot ||
           after == TokenKind::kLeftBracket || after == TokenKind::kQuestionBracket;
  }

  ExprPtr member() {
    ExprPtr operand = primary();
    ChainDepth chain(*this);
    while (!error_) {
      const TokenKind kind = peek().kind;
      const bool continues = kind == TokenKind::kDot || kind == TokenKind::kQuestionDot ||
                             kind == TokenKind::kLeftBracket ||
                             kind == TokenKind::kQuestionBracket ||
                             (kind == TokenKind::kLeftBrace && is_qualified_name(*operand));
      if (!continues || !chain.add_link()) break;
      if (kind == TokenKind::kDot || kind == TokenKind::kQuestionDot) {
        const SourcePosition at = take().position;
        const Token name = take();
        // Reserved words (`if`, `as`, ...) cannot be identifiers but can name fields and methods.
        if (name.kind != TokenKind::kIdentifier && name.kind != TokenKind::kReserved) {
          return fail(name.position, "expected a field or method name after '.'");
        }
        if (kind == TokenKind::kQuestionDot) {
          operand = nodes_.call(
              at, "_?._", nullptr,
              nodes_.list_of(std::move(operand), nodes_.string_constant(name.position, name.text)));
          continue;
        }
        if (peek().kind == TokenKind::kLeftParen && !name.quoted) {
          take();
          std::vector<ExprPtr> args = arguments(TokenKind::kRightParen);
          if (error_) return nullptr;
          operand = member_call(name.position, std::move(operand), name.text, std::move(args));
          continue;
        }
        operand = nodes_.select(at, std::move(operand), name.text);
      } else if (kind == TokenKind::kLeftBracket || kind == TokenKind::kQuestionBracket) {
        const SourcePosition at = take().position;
        ExprPtr index = expr();
        if (error_ || !expect(TokenKind::kRightBracket)) return nullptr;
        operand = nodes_.call(at, kind == TokenKind::kLeftBracket ? "_[_]" : "_[?_]", nullptr,
                              nodes_.list_of(std::move(operand), std::move(index)));
      } else if (kind == TokenKind::kLeftBrace && is_qualified_name(*operand)) {
        const SourcePosition at = take().position;
        operand = message_literal(at, qualified_name(*operand));
      } else {
        break;
      }
    }
    return operand;
  }

  ExprPtr primary() {
    const DepthGuard guard(*this);
    if (too_deep(peek().position)) return nullptr;
    const Token token = take();
    switch (token.kind) {
      case TokenKind::kInt:
        if (token.integer > static_cast<std::uint64_t>(INT64_MAX)) {
          return fail(token.position, "integer literal out of range");
        }
        return nodes_.int_constant(token.position, static_cast<std::int64_t>(token.integer));
      case TokenKind::kUint:
        return nodes_.uint_constant(token.position, token.integer);
      case TokenKind::kDouble:
        return nodes_.double_constant(token.position, token.number);
      case TokenKind::kString:
        return nodes_.string_constant(token.position, token.text);
      case TokenKind::kBytes:
        return nodes_.bytes_constant(token.position, token.text);
      case TokenKind::kTrue:
        return nodes_.bool_constant(token.position, true);
      case TokenKind::kFalse:
        return nodes_.bool_constant(token.position, false);
      case TokenKind::kNull:
        return nodes_.null_constant(token.position);
      case TokenKind::kLeftParen: {
        ExprPtr inner = expr();
        if (error_ || !expect(TokenKind::kRightParen)) return nullptr;
        return inner;
      }
      case TokenKind::kLeftBracket:
        return list_literal(token.position, false);
      case TokenKind::kQuestionBracket:
        return list_literal(token.position, true);
      case TokenKind::kLeftBrace:
        return map_literal(token.position);
      case TokenKind::kDot: {
        // A leading dot: the name is resolved from the root container only.
        const Token name = take();
        if (name.kind != TokenKind::kIdentifier || name.quoted) {
          return fail(name.position, "expected an identifier after a leading '.'");
        }
        return identifier_or_call(name, "." + name.text);
      }
      case TokenKind::kIdentifier:
        if (token.quoted) return fail(token.position, "a quoted identifier can only name a field");
        return identifier_or_call(token, token.text);
      case TokenKind::kReserved:
        return fail(token.position, "reserved word '" + token.text + "' cannot be an identifier");
      default:
        return fail(token.position, "unexpected " + std::string(token_name(token.kind)));
    }
  }

  ExprPtr identifier_or_call(const Token& token, std::string name) {
    if (peek().kind != TokenKind::kLeftParen) return nodes_.ident(token.position, std::move(name));
    take();
    std::vector<ExprPtr> args = arguments(TokenKind::kRightParen);
    if (error_) return nullptr;
    if (options_.enable_macros && name == "has") {
      auto expanded = detail::expand_has(args);
      if (!expanded) return fail(token.position, expanded.error().message);
      return std::move(*expanded);
    }
    return nodes_.call(token.position, std::move(name), nullptr, std::move(args));
  }

  ExprPtr member_call(SourcePosition at, ExprPtr target, const std::string& function,
                      std::vector<ExprPtr> args) {
    if (options_.enable_macros) {
      auto expanded = detail::expand_receiver_macro(nodes_, at, target, function, args);
      if (!expanded) return fail(at, expanded.error().message);
      if (*expanded) return std::move(*expanded);
    }
    return nodes_.call(at, function, std::move(target), std::move(args));
  }

  /// Comma-separated expressions up to `close` (consumed); a trailing comma is allowed only in
  /// list literals, which do not use this.
  std::vector<ExprPtr> arguments(TokenKind close) {
    std::vector<ExprPtr> args;
    if (accept(close)) return args;
    for (;;) {
      args.push_back(expr());
      if (error_) return {};
      if (accept(close)) return args;
      if (!expect(TokenKind::kComma)) return {};
    }
  }

  /// `first_optional`: the list began with `[?` (the lexer joins `[` and a `?` marking the first
  /// element as optional).
  ExprPtr list_literal(SourcePosition at, bool first_optional) {
    ExprPtr list = nodes_.make(ExprKind::kList, at);
    while (!error_ && (first_optional || peek().kind != TokenKind::kRightBracket)) {
      const bool optional = std::exchange(first_optional, false) || accept(TokenKind::kQuestion);
      if (optional) list->optional_indices.push_back(static_cast<std::uint32_t>(list->args.size()));
      list->args.push_back(expr());
      if (error_ || !accept(TokenKind::kComma)) break;
    }
    if (error_ || !expect(TokenKind::kRightBracket)) return nullptr;
    return list;
  }

  ExprPtr map_literal(SourcePosition at) {
    ExprPtr map = nodes_.make(ExprKind::kMap, at);
    while (!error_ && peek().kind != TokenKind::kRightBrace) {
      Entry entry;
      entry.optional = accept(TokenKind::kQuestion);
      entry.key = expr();
      if (error_ || !expect(TokenKind::kColon)) return nullptr;
      entry.value = expr();
      if (error_) return nullptr;
      map->entries.push_back(std::move(entry));
      if (!accept(TokenKind::kComma)) break;
    }
    if (error_ || !expect(TokenKind::kRightBrace)) return nullptr;
    return map;
  }

  ExprPtr message_literal(SourcePosition at, std::string type_name) {
    ExprPtr message = nodes_.make(ExprKind::kStruct, at);
    message->name = std::move(type_name);
    while (!error_ && peek().kind != TokenKind::kRightBrace) {
      Entry entry;
      entry.optional = accept(TokenKind::kQuestion);
      const Token field = take();
      if (field.kind != TokenKind::kIdentifier) {
        return fail(field.position, "expected a field name in a message literal");
      }
      entry.field = field.text;
      if (!expect(TokenKind::kColon)) return nullptr;
      entry.value = expr();
      if (error_) return nullptr;
      message->entries.push_back(std::move(entry));
      if (!accept(TokenKind::kComma)) break;
    }
    if (error_ || !expect(TokenKind::kRightBrace)) return nullptr;
    return message;
  }

  static bool is_qualified_name(const Expr& e) {
    if (e.kind == ExprKind::kIdent) return true;
    return e.kind == ExprKind::kSelect && !e.test_only && e.target && is_qualified_name(*e.target);
  }
  static std::string qualified_name(const Expr& e) {
    if (e.kind == ExprKind::kIdent) return e.name;
    return qualified_name(*e.target) + "." + e.name;
  }

  std::vector<Token> tokens_;
  std::size_t at_ = 0;
  ParseOptions options_;
  NodeFactory nodes_;
  int depth_ = 0;
  std::optional<Error> error_;
};

}  // namespace

Result<ExprPtr> parse(std::string_view source, const ParseOptions& options) {
  if (source.size() > options.max_expression_bytes) {
    return make_error(ErrorCode::kInvalidArgument,
                      "expression of " + std::to_string(source.size()) + " bytes exceeds the " +
                          std::to_string(options.max_expression_bytes) + "-byte limit");
  }
  auto tokens = tokenize(source);
  if (!tokens) return std::move(tokens).error();
  return Parser(std::move(*tokens), options).run();
}

}  // namespace sluice::cel

#include "cel/ast.h"

#include <cstdio>

namespace sluice::cel {
namespace {

void quote(std::string& out, const std::string& text, bool bytes) {
  if (bytes) out += 'b';
  out += '"';
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7F || (bytes && c >= 0x80)) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

void render(std::string& out, const Expr& e);

void render_list(std::string& out, const std::vector<ExprPtr>& items) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    render(out, *items[i]);
  }
}

void render_constant(std::string& out, const Constant& c) {
  switch (c.kind) {
    case Constant::Kind::kNull:
      out += "null";
      return;
    case Constant::Kind::kBool:
      out += c.bool_value ? "true" : "false";
      return;
    case Constant::Kind::kInt:
      out += std::to_string(c.int_value);
      return;
    case Constant::Kind::kUint:
      out += std::to_string(c.uint_value) + "u";
      return;
    case Constant::Kind::kDouble: {
      char text[40];
      std::snprintf(text, sizeof text, "%.17g", c.double_value);
      out += text;
      if (std::string_view(text).find_first_of(".eni") == std::string_view::npos) out += ".0";
      return;
    }
    case Constant::Kind::kString:
      quote(out, c.text, false);
      return;
    case Constant::Kind::kBytes:
      quote(out, c.text, true);
      return;
  }
}

void render(std::string& out, const Expr& e) {
  switch (e.kind) {
    case ExprKind::kConstant:
      render_constant(out, e.constant);
      return;
    case ExprKind::kIdent:
      out += e.name;
      return;
    case ExprKind::kSelect:
      if (e.test_only) out += "has(";
      render(out, *e.target);
      out += '.';
      out += e.name;
      if (e.test_only) out += ')';
      return;
    case ExprKind::kCall:
      if (e.target) {
        render(out, *e.target);
        out += '.';
      }
      out += e.name;
      out += '(';
      render_list(out, e.args);
      out += ')';
      return;
    case ExprKind::kList:
      out += '[';
      for (std::size_t i = 0; i < e.args.size(); ++i) {
        if (i > 0) out += ", ";
        for (std::uint32_t index : e.optional_indices) {
          if (index == i) out += '?';
        }
        render(out, *e.args[i]);
      }
      out += ']';
      return;
    case ExprKind::kMap:
    case ExprKind::kStruct:
      if (e.kind == ExprKind::kStruct) out += e.name;
      out += '{';
      for (std::size_t i = 0; i < e.entries.size(); ++i) {
        if (i > 0) out += ", ";
        if (e.entries[i].optional) out += '?';
        if (e.kind == ExprKind::kMap) {
          render(out, *e.entries[i].key);
        } else {
          out += e.entries[i].field;
        }
        out += ": ";
        render(out, *e.entries[i].value);
      }
      out += '}';
      return;
    case ExprKind::kComprehension:
      out += "__comprehension__(" + e.iter_var + ", ";
      if (!e.iter_var2.empty()) out += e.iter_var2 + ", ";
      render(out, *e.iter_range);
      out += ", " + e.accu_var + ", ";
      render(out, *e.accu_init);
      out += ", ";
      render(out, *e.loop_condition);
      out += ", ";
      render(out, *e.loop_step);
      out += ", ";
      render(out, *e.result);
      out += ')';
      return;
  }
}

}  // namespace

std::string debug_string(const Expr& e) {
  std::string out;
  render(out, e);
  return out;
}

}  // namespace sluice::cel

#include "cel/conformance_file.h"

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace sluice::cel {
namespace {

using textproto::Field;
using textproto::Message;

/// Prefixes an error from the tree (already "line:column: ...") with the file name.
Error in_file(const std::string& source, Error error) {
  error.message = source + ":" + error.message;
  return error;
}

Error error_at(const std::string& source, textproto::Position position, const std::string& what) {
  return make_error(ErrorCode::kInvalidArgument,
                    source + ":" + textproto::to_string(position) + ": " + what);
}

/// Reads the singular fields of one message: each known name at most once, no unknown names.
class FieldReader {
 public:
  FieldReader(const std::string& source, std::string_view message_name)
      : source_(source), message_name_(message_name) {}

  /// Fails when `field` repeats a singular field already seen (slot < 64 identifies it).
  Status once(const Field& field, int slot) {
    const std::uint64_t bit = std::uint64_t{1} << slot;
    if ((seen_ & bit) != 0) {
      return error_at(source_, field.position,
                      "field '" + field.name + "' of " + std::string(message_name_) +
                          " is given more than once");
    }
    seen_ |= bit;
    return {};
  }

  Status unknown(const Field& field) const {
    return error_at(source_, field.position,
                    "unknown field '" + field.name + "' in " + std::string(message_name_));
  }

  Status read_string(const Field& field, int slot, std::string& out) {
    if (Status status = once(field, slot); !status.ok()) return status;
    Result<std::string_view> value = field.as_string();
    if (!value.ok()) return in_file(source_, std::move(value).error());
    out.assign(*value);
    return {};
  }

  Status read_bool(const Field& field, int slot, bool& out) {
    if (Status status = once(field, slot); !status.ok()) return status;
    Result<bool> value = field.as_bool();
    if (!value.ok()) return in_file(source_, std::move(value).error());
    out = *value;
    return {};
  }

  Result<const Message*> read_message(const Field& field) const {
    Result<const Message*> value = field.as_message();
    if (!value.ok()) return in_file(source_, std::move(value).error());
    return value;
  }

 private:
  const std::string& source_;
  std::string_view message_name_;
  std::uint64_t seen_ = 0;
};

const Message& empty_message() {
  static const Message kEmpty;
  return kEmpty;
}

struct MatcherName {
  std::string_view field;
  ConformanceTest::Expect expect;
};

constexpr std::array<MatcherName, 6> kMatchers{{
    {"value", ConformanceTest::Expect::kValue},
    {"typed_result", ConformanceTest::Expect::kTypedResult},
    {"eval_error", ConformanceTest::Expect::kEvalError},
    {"any_eval_errors", ConformanceTest::Expect::kAnyEvalErrors},
    {"unknown", ConformanceTest::Expect::kUnknown},
    {"any_unknowns", ConformanceTest::Expect::kAnyUnknowns},
}};

Status read_binding(const std::string& source, const Message& entry, ConformanceTest& test) {
  FieldReader reader(source, "a bindings entry");
  std::string key;
  const Message* value = &empty_message();
  for (const Field& field : entry.fields()) {
    if (field.name == "key") {
      if (Status status = reader.read_string(field, 0, key); !status.ok()) return status;
    } else if (field.name == "value") {
      if (Status status = reader.once(field, 1); !status.ok()) return status;
      Result<const Message*> message = reader.read_message(field);
      if (!message.ok()) return std::move(message).error();
      value = *message;
    } else {
      return reader.unknown(field);
    }
  }
  test.bindings.emplace_back(std::move(key), value);
  return {};
}

Status read_matcher(const std::string& source, const Field& field, ConformanceTest::Expect expect,
                    const Field*& matcher_field, ConformanceTest& test) {
  if (matcher_field != nullptr) {
    return error_at(source, field.position,
                    "test has more than one result matcher ('" + matcher_field->name + "' and '" +
                        field.name + "')");
  }
  Result<const Message*> message = field.as_message();
  if (!message.ok()) return in_file(source, std::move(message).error());
  matcher_field = &field;
  test.expect = expect;
  test.expected = *message;
  return {};
}

Status read_test(const std::string& source, const Field& test_field, ConformanceTest& test) {
  FieldReader reader(source, "a test");
  Result<const Message*> message = reader.read_message(test_field);
  if (!message.ok()) return std::move(message).error();
  test.source = *message;
  test.position = test_field.position;
  const Field* matcher_field = nullptr;
  for (const Field& field : test.source->fields()) {
    Status status;
    if (field.name == "name") {
      status = reader.read_string(field, 0, test.name);
    } else if (field.name == "description") {
      status = reader.read_string(field, 1, test.description);
    } else if (field.name == "expr") {
      status = reader.read_string(field, 2, test.expr);
    } else if (field.name == "container") {
      status = reader.read_string(field, 3, test.container);
    } else if (field.name == "locale") {
      status = reader.read_string(field, 4, test.locale);
    } else if (field.name == "disable_macros") {
      status = reader.read_bool(field, 5, test.disable_macros);
    } else if (field.name == "disable_check") {
      status = reader.read_bool(field, 6, test.disable_check);
    } else if (field.name == "check_only") {
      status = reader.read_bool(field, 7, test.check_only);
    } else if (field.name == "type_env") {
      Result<const Message*> decl = reader.read_message(field);
      if (!decl.ok()) return std::move(decl).error();
      test.type_env.push_back(*decl);
      test.has_type_env = true;
    } else if (field.name == "bindings") {
      Result<const Message*> entry = reader.read_message(field);
      if (!entry.ok()) return std::move(entry).error();
      status = read_binding(source, **entry, test);
    } else {
      bool matched = false;
      for (const MatcherName& matcher : kMatchers) {
        if (field.name == matcher.field) {
          status = read_matcher(source, field, matcher.expect, matcher_field, test);
          matched = true;
          break;
        }
      }
      if (!matched) status = reader.unknown(field);
    }
    if (!status.ok()) return status;
  }
  if (test.name.empty()) return error_at(source, test_field.position, "test has no name");
  return {};
}

Status read_section(const std::string& source, const Field& section_field,
                    ConformanceSection& section) {
  FieldReader reader(source, "a section");
  Result<const Message*> message = reader.read_message(section_field);
  if (!message.ok()) return std::move(message).error();
  for (const Field& field : (*message)->fields()) {
    Status status;
    if (field.name == "name") {
      status = reader.read_string(field, 0, section.name);
    } else if (field.name == "description") {
      status = reader.read_string(field, 1, section.description);
    } else if (field.name == "test") {
      ConformanceTest test;
      status = read_test(source, field, test);
      if (status.ok()) section.tests.push_back(std::move(test));
    } else {
      status = reader.unknown(field);
    }
    if (!status.ok()) return status;
  }
  return {};
}

// ---- needs_message_types ----------------------------------------------------------------------

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/// Whether `text` names a protobuf message or enum type that CEL does not have built in.
bool mentions_message_type(std::string_view text) {
  static constexpr std::array<std::string_view, 5> kMarkers{
      "TestAllTypes", "NestedMessage", "NestedEnum", "GlobalEnum", "cel.expr.conformance"};
  for (std::string_view marker : kMarkers) {
    if (text.find(marker) != std::string_view::npos) return true;
  }
  constexpr std::string_view kProtobuf = "google.protobuf.";
  for (std::size_t at = text.find(kProtobuf); at != std::string_view::npos;
       at = text.find(kProtobuf, at + 1)) {
    std::size_t end = at + kProtobuf.size();
    while (end < text.size() && is_name_char(text[end])) ++end;
    const std::string_view type = text.substr(at + kProtobuf.size(), end - at - kProtobuf.size());
    while (end < text.size() && text[end] == ' ') ++end;
    const bool constructed = end < text.size() && text[end] == '{';
    // timestamp and duration are CEL types spelled with these names; only a message literal
    // (`google.protobuf.Duration{seconds: 1}`) needs the message.
    if ((type == "Timestamp" || type == "Duration") && !constructed) continue;
    return true;
  }
  return false;
}

/// `google.protobuf.Timestamp` / `Duration`, bare or as an Any type URL in brackets.
bool is_time_message(std::string_view name) {
  if (!name.empty() && name.front() == '[' && name.back() == ']') {
    name = name.substr(1, name.size() - 2);
    const std::size_t slash = name.rfind('/');
    if (slash != std::string_view::npos) name = name.substr(slash + 1);
  }
  return name == "google.protobuf.Timestamp" || name == "google.protobuf.Duration";
}

bool tree_needs_message_types(const Message& message) {
  for (const Field& field : message.fields()) {
    // Timestamps and durations are CEL values even when the data spells them as messages.
    if (field.name == "message_type" && !is_time_message(field.bytes)) return true;
    if (field.name == "object_value" && (!field.is_message() || field.message().fields().empty() ||
                                         !is_time_message(field.message().fields().front().name))) {
      return true;
    }
    if (field.name == "object_value" || field.name == "message_type") continue;
    if (mentions_message_type(field.name)) return true;
    switch (field.kind) {
      case textproto::Kind::kString:
        if (mentions_message_type(field.bytes)) return true;
        break;
      case textproto::Kind::kIdentifier:
        if (mentions_message_type(field.raw)) return true;
        break;
      case textproto::Kind::kMessage:
        if (tree_needs_message_types(field.message())) return true;
        break;
      case textproto::Kind::kNumber:
        break;
    }
  }
  return false;
}

}  // namespace

std::size_t ConformanceFile::test_count() const {
  std::size_t n = 0;
  for (const ConformanceSection& section : sections) n += section.tests.size();
  return n;
}

Result<ConformanceFile> parse_conformance_file(std::string_view text, std::string source_name) {
  Result<Message> tree = textproto::parse(text);
  if (!tree.ok()) return in_file(source_name, std::move(tree).error());
  ConformanceFile file;
  file.path = std::move(source_name);
  file.tree = std::make_unique<const Message>(std::move(tree).value());
  FieldReader reader(file.path, "the file");
  for (const Field& field : file.tree->fields()) {
    Status status;
    if (field.name == "name") {
      status = reader.read_string(field, 0, file.name);
    } else if (field.name == "description") {
      status = reader.read_string(field, 1, file.description);
    } else if (field.name == "section") {
      ConformanceSection section;
      status = read_section(file.path, field, section);
      if (status.ok()) file.sections.push_back(std::move(section));
    } else {
      status = reader.unknown(field);
    }
    if (!status.ok()) return std::move(status).error();
  }
  return file;
}

Result<ConformanceFile> load_conformance_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return make_error(ErrorCode::kIo, "cannot read " + path + ": it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(ErrorCode::kIo, "cannot open " + path + ": " + std::strerror(errno));
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return make_error(ErrorCode::kIo, "cannot read " + path);
  return parse_conformance_file(contents.str(), path);
}

bool needs_message_types(const ConformanceTest& test) {
  if (mentions_message_type(test.expr)) return true;
  for (const auto& binding : test.bindings) {
    if (binding.second != nullptr && tree_needs_message_types(*binding.second)) return true;
  }
  if (test.expected != nullptr && tree_needs_message_types(*test.expected)) return true;
  for (const Message* decl : test.type_env) {
    if (tree_needs_message_types(*decl)) return true;
  }
  return false;
}

}  // namespace sluice::cel

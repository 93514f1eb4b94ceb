// The C ABI's CEL functions: compile, check, evaluate (see divert/divert.h).
#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "capi/buffers.h"
#include "capi/errors.h"
#include "divert/cel/cel.h"
#include "divert/cel/value.h"
#include "divert/divert.h"
#include "expr/json_values.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

struct divert_cel_program {
  // Kept alive with the program it compiled.
  std::unique_ptr<divert::cel::Environment> environment;
  std::shared_ptr<const divert::cel::Program> program;
};

namespace divert::capi {
namespace {

using cel::CompileIssue;

// Declares the variables of `json` ({"age": "int", ...}) in `env`.
absl::Status DeclareFromJson(absl::string_view json, cel::Environment& env) {
  if (absl::StripAsciiWhitespace(json).empty()) return absl::OkStatus();
  google::protobuf::Struct declarations;
  auto parsed =
      google::protobuf::util::JsonStringToMessage(std::string(json), &declarations);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        "declarations: not a JSON object mapping variable names to type "
        "names ({\"age\": \"int\"})");
  }
  std::vector<const std::string*> names;
  for (const auto& [name, unused] : declarations.fields()) {
    names.push_back(&name);
  }
  std::sort(names.begin(), names.end(),
            [](const std::string* a, const std::string* b) { return *a < *b; });
  for (const std::string* name : names) {
    const google::protobuf::Value& type = declarations.fields().at(*name);
    if (type.kind_case() != google::protobuf::Value::kStringValue) {
      return absl::InvalidArgumentError(absl::StrCat(
          "declarations.", *name, ": expected a type name such as \"int\" or "
          "\"list(string)\""));
    }
    absl::Status declared = env.DeclareVariable(*name, type.string_value());
    if (!declared.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("declarations: ", declared.message()));
    }
  }
  return absl::OkStatus();
}

int CodeOfIssue(CompileIssue::Kind kind) {
  switch (kind) {
    case CompileIssue::Kind::kSyntax:
      return DIVERT_ERROR_SYNTAX;
    case CompileIssue::Kind::kType:
      return DIVERT_ERROR_TYPE;
    case CompileIssue::Kind::kLimit:
      return DIVERT_ERROR_LIMIT;
  }
  return DIVERT_ERROR_INTERNAL;
}

const char* KindName(CompileIssue::Kind kind) {
  switch (kind) {
    case CompileIssue::Kind::kSyntax:
      return "syntax";
    case CompileIssue::Kind::kType:
      return "type";
    case CompileIssue::Kind::kLimit:
      return "limit";
  }
  return "unknown";
}

// The outcome of compiling: a program, or a failure with its issues.
struct Compiled {
  std::unique_ptr<cel::Environment> environment;
  absl::StatusOr<std::shared_ptr<const cel::Program>> program;
  std::vector<CompileIssue> issues;
};

// Compiles `expr`; `declarations` is only used when `checked`. A failure to
// read the declarations is returned as the status; compile failures are in
// the result.
absl::StatusOr<Compiled> CompileExpression(absl::string_view expr,
                                           absl::string_view declarations,
                                           bool checked) {
  Compiled compiled{std::make_unique<cel::Environment>(),
                    absl::UnknownError(""), {}};
  if (checked) {
    absl::Status declared = DeclareFromJson(declarations, *compiled.environment);
    if (!declared.ok()) return declared;
    compiled.program = compiled.environment->Compile(expr, &compiled.issues);
  } else {
    compiled.program =
        compiled.environment->CompileUnchecked(expr, &compiled.issues);
  }
  return compiled;
}

// Reports a failed compilation: the formatted issues as the last error, the
// first issue's kind as the code.
int FailCompile(const Compiled& compiled) {
  const absl::Status& status = compiled.program.status();
  if (compiled.issues.empty()) return Fail(status);
  return Fail(CodeOfIssue(compiled.issues.front().kind), status.message());
}

int CompileImpl(const char* expr, size_t expr_len,
                const char* declarations_json, size_t declarations_len,
                bool checked, divert_cel_program** out) {
  if (out == nullptr) {
    return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "out is NULL");
  }
  *out = nullptr;
  if (expr == nullptr) {
    return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "expr is NULL");
  }
  absl::string_view source, declarations;
  if (!ReadText(expr, expr_len, "expr", &source) ||
      !ReadText(declarations_json, declarations_len, "declarations_json",
                &declarations)) {
    return DIVERT_ERROR_INVALID_ARGUMENT;
  }
  absl::StatusOr<Compiled> compiled =
      CompileExpression(source, declarations, checked);
  if (!compiled.ok()) return Fail(compiled.status());
  if (!compiled->program.ok()) return FailCompile(*compiled);
  auto handle = std::make_unique<divert_cel_program>();
  handle->environment = std::move(compiled->environment);
  handle->program = *std::move(compiled->program);
  *out = handle.release();
  return Ok();
}

// Evaluates `program` with `bindings` into a result buffer.
int EvaluateImpl(const cel::Program& program, const char* bindings_json,
                 size_t bindings_len, char** result_json, size_t* result_len) {
  absl::string_view bindings;
  if (!ReadText(bindings_json, bindings_len, "bindings_json", &bindings)) {
    return DIVERT_ERROR_INVALID_ARGUMENT;
  }
  cel::Activation activation(program);
  absl::Status bound = cel::BindJson(bindings, program, activation);
  if (!bound.ok()) return Fail(bound);
  cel::Value result = program.Evaluate(activation);
  if (result.IsError()) {
    return Fail(DIVERT_ERROR_EVALUATION, result.error().status().message());
  }
  absl::StatusOr<std::string> json = cel::ResultToJson(result);
  if (!json.ok()) return Fail(DIVERT_ERROR_EVALUATION, json.status().message());
  return ReturnBuffer(*json, result_json, result_len);
}

}  // namespace
}  // namespace divert::capi

extern "C" {

DIVERT_EXPORT int divert_cel_compile(const char* expr, size_t expr_len,
                                     const char* declarations_json,
                                     size_t declarations_len,
                                     divert_cel_program** out) {
  return divert::capi::Guard([&] {
    return divert::capi::CompileImpl(expr, expr_len, declarations_json,
                                     declarations_len, /*checked=*/true, out);
  });
}

DIVERT_EXPORT int divert_cel_compile_unchecked(const char* expr,
                                               size_t expr_len,
                                               divert_cel_program** out) {
  return divert::capi::Guard([&] {
    return divert::capi::CompileImpl(expr, expr_len, nullptr, 0,
                                     /*checked=*/false, out);
  });
}

DIVERT_EXPORT void divert_cel_program_destroy(divert_cel_program* program) {
  delete program;
}

DIVERT_EXPORT int divert_cel_program_evaluate(const divert_cel_program* program,
                                              const char* bindings_json,
                                              size_t bindings_len,
                                              char** result_json,
                                              size_t* result_len) {
  return divert::capi::Guard([&] {
    divert::capi::ClearBuffer(result_json, result_len);
    if (program == nullptr || result_json == nullptr) {
      return divert::capi::Fail(DIVERT_ERROR_INVALID_ARGUMENT,
                                program == nullptr ? "program is NULL"
                                                   : "result_json is NULL");
    }
    return divert::capi::EvaluateImpl(*program->program, bindings_json,
                                      bindings_len, result_json, result_len);
  });
}

DIVERT_EXPORT int divert_cel_evaluate(const char* expr, size_t expr_len,
                                      const char* bindings_json,
                                      size_t bindings_len, char** result_json,
                                      size_t* result_len) {
  return divert::capi::Guard([&] {
    divert::capi::ClearBuffer(result_json, result_len);
    if (result_json == nullptr) {
      return divert::capi::Fail(DIVERT_ERROR_INVALID_ARGUMENT,
                                "result_json is NULL");
    }
    divert_cel_program* program = nullptr;
    int status = divert::capi::CompileImpl(expr, expr_len, nullptr, 0,
                                           /*checked=*/false, &program);
    if (status != DIVERT_OK) return status;
    std::unique_ptr<divert_cel_program> owned(program);
    return divert::capi::EvaluateImpl(*owned->program, bindings_json,
                                      bindings_len, result_json, result_len);
  });
}

DIVERT_EXPORT int divert_cel_result_type(const divert_cel_program* program,
                                         char** type, size_t* type_len) {
  return divert::capi::Guard([&] {
    divert::capi::ClearBuffer(type, type_len);
    if (program == nullptr || type == nullptr) {
      return divert::capi::Fail(DIVERT_ERROR_INVALID_ARGUMENT,
                                program == nullptr ? "program is NULL"
                                                   : "type is NULL");
    }
    return divert::capi::ReturnBuffer(program->program->result_type(), type,
                                      type_len);
  });
}

DIVERT_EXPORT int divert_cel_check(const char* expr, size_t expr_len,
                                   const char* declarations_json,
                                   size_t declarations_len, char** issues_json,
                                   size_t* issues_len) {
  using divert::capi::Fail;
  return divert::capi::Guard([&] {
    divert::capi::ClearBuffer(issues_json, issues_len);
    if (expr == nullptr || issues_json == nullptr) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT,
                  expr == nullptr ? "expr is NULL" : "issues_json is NULL");
    }
    absl::string_view source, declarations;
    if (!divert::capi::ReadText(expr, expr_len, "expr", &source) ||
        !divert::capi::ReadText(declarations_json, declarations_len,
                                "declarations_json", &declarations)) {
      return DIVERT_ERROR_INVALID_ARGUMENT;
    }
    absl::StatusOr<divert::capi::Compiled> compiled =
        divert::capi::CompileExpression(source, declarations, /*checked=*/true);
    if (!compiled.ok()) return Fail(compiled.status());
    if (!compiled->program.ok() && compiled->issues.empty()) {
      return Fail(compiled->program.status());
    }
    std::string json = "[";
    for (const divert::cel::CompileIssue& issue : compiled->issues) {
      if (json.size() > 1) json += ",";
      absl::StatusOr<std::string> message = divert::cel::ValueToJson(
          divert::cel::Value::String(issue.message));
      if (!message.ok()) return Fail(message.status());
      absl::StrAppend(&json, "{\"kind\":\"", divert::capi::KindName(issue.kind),
                      "\",\"line\":", issue.line, ",\"column\":", issue.column,
                      ",\"message\":", *message, "}");
    }
    json += "]";
    return divert::capi::ReturnBuffer(json, issues_json, issues_len);
  });
}

}  // extern "C"

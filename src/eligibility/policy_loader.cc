// CompiledPolicy::FromTextFormat / FromJson / FromBinary: reading a
// SitePolicy in each wire format, with line:column for syntax errors, then
// compiling it.
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "divert/eligibility/policy.h"
#include "divert/limits.h"
#include "eligibility/compiled_policy.h"
#include "eligibility/json_positions.h"
#include "eligibility/policy_compiler.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"

namespace divert {
namespace {

// Collects the text format parser's errors as issues (1-based positions).
class IssueCollector : public google::protobuf::io::ErrorCollector {
 public:
  explicit IssueCollector(std::vector<PolicyIssue>* issues) : issues_(issues) {}

  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    issues_->push_back({"", "", line + 1, column + 1, message});
  }

 private:
  std::vector<PolicyIssue>* issues_;
};

absl::Status Failed(const std::vector<PolicyIssue>& found,
                    std::vector<PolicyIssue>* issues) {
  if (issues != nullptr) issues->insert(issues->end(), found.begin(), found.end());
  return absl::InvalidArgumentError(eligibility::DescribeIssues(found));
}

// A policy too large to read: refused before parsing.
absl::Status TooLarge(size_t size, std::vector<PolicyIssue>* issues) {
  const std::string message = absl::StrCat(
      "the policy is ", size, " bytes; the limit is ", limits::kMaxPolicyBytes,
      " (docs/limits.md)");
  if (issues != nullptr) issues->push_back({"", "", 0, 0, message});
  return absl::ResourceExhaustedError(message);
}

// "(versions[0].rules[0].kind): invalid value ..." → the path and the rest;
// "bogus: Cannot find field." → the name.
std::string PathInJsonError(absl::string_view message) {
  if (absl::ConsumePrefix(&message, "(")) {
    const size_t close = message.find(')');
    if (close != absl::string_view::npos) return std::string(message.substr(0, close));
    return "";
  }
  const size_t colon = message.find(": Cannot find field");
  if (colon != absl::string_view::npos) return std::string(message.substr(0, colon));
  return "";
}

}  // namespace

absl::StatusOr<std::shared_ptr<const CompiledPolicy>> CompiledPolicy::FromTextFormat(
    absl::string_view text, std::vector<PolicyIssue>* issues) {
  if (text.size() > limits::kMaxPolicyBytes) return TooLarge(text.size(), issues);
  v1::SitePolicy policy;
  std::vector<PolicyIssue> found;
  IssueCollector collector(&found);
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  google::protobuf::io::ArrayInputStream input(text.data(),
                                               static_cast<int>(text.size()));
  if (!parser.Parse(&input, &policy)) {
    if (found.empty()) {
      found.push_back({"", "", 0, 0, "the text is not a divert.v1.SitePolicy"});
    }
    return Failed(found, issues);
  }
  return eligibility::CompiledPolicyImpl::Create(std::move(policy), issues);
}

absl::StatusOr<std::shared_ptr<const CompiledPolicy>> CompiledPolicy::FromJson(
    absl::string_view json, std::vector<PolicyIssue>* issues) {
  if (json.size() > limits::kMaxPolicyBytes) return TooLarge(json.size(), issues);
  std::vector<PolicyIssue> found;
  eligibility::JsonPosition at;
  std::string message;
  if (eligibility::FindJsonSyntaxError(json, &at, &message)) {
    found.push_back({"", "", at.line, at.column,
                     absl::StrCat("JSON syntax: ", message)});
    return Failed(found, issues);
  }
  v1::SitePolicy policy;
  google::protobuf::util::JsonParseOptions options;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &policy, options);
  if (!status.ok()) {
    const std::string text(status.message());
    at = eligibility::FindJsonPath(json, PathInJsonError(text));
    found.push_back({"", "", at.line, at.column, text});
    return Failed(found, issues);
  }
  return eligibility::CompiledPolicyImpl::Create(std::move(policy), issues);
}

absl::StatusOr<std::shared_ptr<const CompiledPolicy>> CompiledPolicy::FromBinary(
    absl::string_view bytes, std::vector<PolicyIssue>* issues) {
  if (bytes.size() > limits::kMaxPolicyBytes) return TooLarge(bytes.size(), issues);
  v1::SitePolicy policy;
  if (!policy.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Failed({{"", "", 0, 0,
                    "the bytes are not a serialized divert.v1.SitePolicy"}},
                  issues);
  }
  return eligibility::CompiledPolicyImpl::Create(std::move(policy), issues);
}

}  // namespace divert

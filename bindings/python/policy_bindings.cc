// The eligibility part of divert._core (see policy_bindings.h).
//
// Everything crosses the boundary as bytes: a serialized SitePolicy or
// Encounter in, a serialized Decision or FidelityReport out. The GIL is
// released while a policy compiles and while encounters are decided, so
// Python threads can decide encounters in parallel on one policy.
#include "policy_bindings.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "divert/eligibility/policy.h"
#include "divert/v1/decision.pb.h"
#include "divert/v1/encounter.pb.h"
#include "divert/v1/policy.pb.h"

namespace py = pybind11;

namespace divert::python {
namespace {

// "" for OK, else the absl status code's name ("NOT_FOUND").
std::string CodeName(const absl::Status& status) {
  return status.ok() ? "" : absl::StatusCodeToString(status.code());
}

// The outcome of deciding one encounter: the serialized Decision, or a
// failed status.
struct Decided {
  absl::Status status;
  std::string decision;
};

// Decides one serialized encounter (no GIL needed).
Decided Decide(const CompiledPolicy& policy, absl::string_view encounter_bytes,
               const std::string& version) {
  Decided out;
  if (version.empty()) {
    out.status = policy.EvaluateSerialized(encounter_bytes, &out.decision);
    return out;
  }
  v1::Encounter encounter;
  if (!encounter.ParseFromArray(encounter_bytes.data(),
                                static_cast<int>(encounter_bytes.size()))) {
    out.status = absl::InvalidArgumentError(
        "the bytes are not a serialized divert.v1.Encounter");
    return out;
  }
  absl::StatusOr<v1::Decision> decision =
      policy.EvaluateWithVersion(encounter, version);
  if (!decision.ok()) {
    out.status = decision.status();
  } else if (!decision->SerializeToString(&out.decision)) {
    out.status = absl::InternalError("could not serialize the decision");
  }
  return out;
}

py::tuple ToTuple(const Decided& decided) {
  if (!decided.status.ok()) {
    return py::make_tuple(CodeName(decided.status),
                          std::string(decided.status.message()));
  }
  return py::make_tuple("", py::bytes(decided.decision));
}

// Compiles a policy from `data` in `format` ("text", "json" or "binary").
// Returns (policy, "", []) or (None, message, [(version, rule_id, line,
// column, message), ...]). Raises ValueError for an unknown format.
py::tuple Compile(const py::bytes& data, const std::string& format) {
  if (format != "text" && format != "json" && format != "binary") {
    throw py::value_error("format must be 'text', 'json' or 'binary', not '" +
                          format + "'");
  }
  std::string input = data;  // copied while the GIL is held
  std::vector<PolicyIssue> issues;
  absl::StatusOr<std::shared_ptr<const CompiledPolicy>> compiled;
  {
    py::gil_scoped_release release;
    if (format == "text") {
      compiled = CompiledPolicy::FromTextFormat(input, &issues);
    } else if (format == "json") {
      compiled = CompiledPolicy::FromJson(input, &issues);
    } else {
      compiled = CompiledPolicy::FromBinary(input, &issues);
    }
  }
  if (!compiled.ok()) {
    if (issues.empty() &&
        compiled.status().code() != absl::StatusCode::kInvalidArgument) {
      // Not a problem with the policy: a failure of the library.
      throw std::runtime_error(std::string(compiled.status().message()));
    }
    py::list issue_list;
    for (const PolicyIssue& issue : issues) {
      issue_list.append(py::make_tuple(issue.version, issue.rule_id, issue.line,
                                       issue.column, issue.message));
    }
    return py::make_tuple(py::none(), std::string(compiled.status().message()),
                          issue_list);
  }
  auto result = std::make_shared<PyPolicy>();
  result->policy = *std::move(compiled);
  return py::make_tuple(result, "", py::list());
}

py::tuple Evaluate(const PyPolicy& self, const py::bytes& encounter,
                   const std::string& version) {
  std::string input = encounter;
  Decided decided;
  {
    py::gil_scoped_release release;
    decided = Decide(*self.policy, input, version);
  }
  return ToTuple(decided);
}

py::list EvaluateMany(const PyPolicy& self, const py::list& encounters,
                      const std::string& version) {
  std::vector<std::string> inputs;
  inputs.reserve(encounters.size());
  for (py::handle item : encounters) {
    if (!PyBytes_Check(item.ptr())) {
      throw py::type_error("evaluate_many takes a list of bytes");
    }
    inputs.push_back(py::reinterpret_borrow<py::bytes>(item));
  }
  std::vector<Decided> decided(inputs.size());
  {
    py::gil_scoped_release release;
    for (size_t i = 0; i < inputs.size(); ++i) {
      decided[i] = Decide(*self.policy, inputs[i], version);
    }
  }
  py::list out;
  for (const Decided& one : decided) out.append(ToTuple(one));
  return out;
}

py::bytes CheckFidelity(const PyPolicy& self) {
  std::string bytes;
  {
    py::gil_scoped_release release;
    self.policy->CheckFidelity().SerializeToString(&bytes);
  }
  return py::bytes(bytes);
}

py::tuple Render(const PyPolicy& self, const std::string& version,
                 const std::string& format) {
  if (format != "markdown" && format != "html") {
    throw py::value_error("format must be 'markdown' or 'html', not '" +
                          format + "'");
  }
  absl::StatusOr<std::string> document;
  {
    py::gil_scoped_release release;
    document = format == "html" ? self.policy->RenderHtml(version)
                                : self.policy->RenderMarkdown(version);
  }
  if (!document.ok()) {
    return py::make_tuple(CodeName(document.status()),
                          std::string(document.status().message()));
  }
  return py::make_tuple("", *document);
}

}  // namespace

void RegisterPolicy(py::module_& m) {
  py::class_<PyPolicy, std::shared_ptr<PyPolicy>>(
      m, "CompiledPolicy",
      "A compiled site policy (internal: use divert.Policy).")
      .def_property_readonly(
          "site_id",
          [](const PyPolicy& self) { return self.policy->policy().site_id(); },
          "The policy's site id.")
      .def_property_readonly(
          "versions",
          [](const PyPolicy& self) {
            std::vector<std::string> labels;
            for (const v1::PolicyVersion& version :
                 self.policy->policy().versions()) {
              labels.push_back(version.version());
            }
            return labels;
          },
          "The version labels, oldest first.")
      .def(
          "site_policy",
          [](const PyPolicy& self) {
            return py::bytes(self.policy->policy().SerializeAsString());
          },
          "The SitePolicy the policy was compiled from, serialized.")
      .def("evaluate", &Evaluate, py::arg("encounter"), py::arg("version"),
           "Decides a serialized Encounter under `version` ('' = the version "
           "in force): ('', decision bytes) or (status code name, message).")
      .def("evaluate_many", &EvaluateMany, py::arg("encounters"),
           py::arg("version"),
           "evaluate() for each of a list of serialized Encounters, with the "
           "GIL released once for all of them.")
      .def("check_fidelity", &CheckFidelity,
           "The serialized FidelityReport.")
      .def("render", &Render, py::arg("version"), py::arg("format"),
           "Renders `version` ('' = newest) as 'markdown' or 'html': ('', "
           "text) or (status code name, message).");

  m.def("policy_compile", &Compile, py::arg("data"), py::arg("format"),
        "Compiles a SitePolicy: (policy, '', []) or (None, message, issues) "
        "(internal: use divert.Policy).");
}

}  // namespace divert::python

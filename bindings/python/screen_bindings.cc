// The screening part of divert._core (see screen_bindings.h).
//
// A stream comes in as a PyCapsule named "arrow_array_stream" (what
// `__arrow_c_stream__()` returns); the Screener moves the stream out of it
// (marking the capsule's copy released, as the PyCapsule interface asks)
// and returns the result stream in a new capsule of the same name, which
// releases the stream when it is garbage collected unless a consumer has
// moved it out first. Messages cross as serialized bytes.
#include "screen_bindings.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "divert/eligibility/policy.h"
#include "divert/screening/arrow_c.h"
#include "divert/screening/screener.h"
#include "divert/v1/screening.pb.h"
#include "policy_bindings.h"

namespace py = pybind11;

namespace divert::python {
namespace {

constexpr char kStreamCapsule[] = "arrow_array_stream";

void ReleaseStreamCapsule(PyObject* capsule) {
  auto* stream = static_cast<ArrowArrayStream*>(
      PyCapsule_GetPointer(capsule, kStreamCapsule));
  if (stream == nullptr) {
    PyErr_Clear();
    return;
  }
  if (stream->release != nullptr) stream->release(stream);
  std::free(stream);
}

class PyScreener {
 public:
  PyScreener(const PyPolicy& policy, const py::bytes& mapping) {
    const std::string mapping_bytes = mapping;
    v1::ColumnMapping parsed;
    if (!parsed.ParseFromString(mapping_bytes)) {
      throw py::value_error("the mapping is not a serialized divert.v1.ColumnMapping");
    }
    absl::StatusOr<std::unique_ptr<Screener>> screener;
    {
      py::gil_scoped_release release;
      screener = Screener::Create(policy.policy, parsed);
    }
    if (!screener.ok()) throw py::value_error(std::string(screener.status().message()));
    screener_ = *std::move(screener);
  }

  // Screens the stream in `capsule`; returns a capsule of the results.
  py::object Screen(const py::capsule& input) {
    auto* in = static_cast<ArrowArrayStream*>(
        PyCapsule_GetPointer(input.ptr(), kStreamCapsule));
    if (in == nullptr) throw py::error_already_set();
    if (in->release == nullptr) {
      throw py::value_error("the Arrow stream was already consumed");
    }
    ArrowArrayStream taken = *in;
    in->release = nullptr;  // moved: the capsule no longer owns it
    auto* out = static_cast<ArrowArrayStream*>(std::malloc(sizeof(ArrowArrayStream)));
    if (out == nullptr) throw std::bad_alloc();
    out->release = nullptr;
    absl::Status status;
    {
      py::gil_scoped_release release;
      status = screener_->Screen(&taken, out);
    }
    if (!status.ok()) {
      std::free(out);
      throw py::value_error(std::string(status.message()));
    }
    PyObject* capsule = PyCapsule_New(out, kStreamCapsule, &ReleaseStreamCapsule);
    if (capsule == nullptr) {
      out->release(out);
      std::free(out);
      throw py::error_already_set();
    }
    return py::reinterpret_steal<py::object>(capsule);
  }

  py::bytes Summary() const {
    std::string bytes;
    screener_->summary().SerializeToString(&bytes);
    return py::bytes(bytes);
  }

  std::vector<std::string> ResultColumns() const {
    return screener_->result_columns();
  }
  std::vector<std::string> FieldsRead() const { return screener_->fields_read(); }

 private:
  std::unique_ptr<Screener> screener_;
};

py::bytes ParseMapping(const std::string& text) {
  absl::StatusOr<v1::ColumnMapping> mapping = Screener::ParseMapping(text);
  if (!mapping.ok()) throw py::value_error(std::string(mapping.status().message()));
  std::string bytes;
  mapping->SerializeToString(&bytes);
  return py::bytes(bytes);
}

}  // namespace

void RegisterScreen(py::module_& m) {
  py::class_<PyScreener>(m, "Screener",
                         "A policy joined with a column mapping (internal: use "
                         "divert.Policy.screen).")
      .def(py::init<const PyPolicy&, const py::bytes&>(), py::arg("policy"),
           py::arg("mapping"))
      .def("screen", &PyScreener::Screen, py::arg("stream"),
           "Screens an 'arrow_array_stream' PyCapsule; returns one of the results.")
      .def("summary", &PyScreener::Summary,
           "The ScreeningSummary of every stream screened so far, serialized.")
      .def("result_columns", &PyScreener::ResultColumns)
      .def("fields_read", &PyScreener::FieldsRead);
  m.def("parse_mapping", &ParseMapping, py::arg("text"),
        "A ColumnMapping in text format (or JSON), serialized; ValueError "
        "naming line:column when it does not parse.");
}

}  // namespace divert::python

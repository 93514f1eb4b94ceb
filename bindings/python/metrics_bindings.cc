// Metrics in divert._core (see metrics_bindings.h). Messages cross as
// serialized bytes; problems raise ValueError with the engine's message,
// which python/divert/metrics.py turns into divert.MetricsError.
#include "metrics_bindings.h"

#include <pybind11/pybind11.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "divert/metrics/evaluation.h"
#include "divert/metrics/metrics.h"
#include "divert/metrics/synthetic_site.h"
#include "divert/v1/metrics.pb.h"
#include "google/protobuf/arena.h"
#include "metrics/stream_table.h"

namespace py = pybind11;

namespace divert::python {
namespace {

struct PyMetricCatalog {
  std::shared_ptr<const metrics::CompiledCatalog> catalog;
};

// Takes the Arrow stream in an "arrow_array_stream" PyCapsule (what
// __arrow_c_stream__() returns) and reads it to its end; the capsule's copy
// is left released, as the PyCapsule interface asks of a consumer.
std::unique_ptr<metrics::StreamTable> ReadStream(const py::capsule& capsule,
                                                 const char* name) {
  auto* stream = static_cast<ArrowArrayStream*>(
      PyCapsule_GetPointer(capsule.ptr(), "arrow_array_stream"));
  if (stream == nullptr) {
    PyErr_Clear();
    throw py::value_error(std::string(name) +
                          ": not an 'arrow_array_stream' PyCapsule");
  }
  auto table = metrics::StreamTable::Read(stream, name);
  if (!table.ok()) throw py::value_error(std::string(table.status().message()));
  return *std::move(table);
}

// The table of `columns` called `name`; null for none.
metrics::RecordBatches* TableOf(metrics::RecordColumns* columns,
                                const std::string& name) {
  if (name == "referrals") return &columns->referrals;
  if (name == "events") return &columns->events;
  if (name == "people") return &columns->people;
  if (name == "encounters") return &columns->encounters;
  if (name == "arrests") return &columns->arrests;
  return nullptr;
}

// Parses serialized records and a serialized `Request`, and runs `run`
// (records and request to a StatusOr of a message) without the GIL: the
// serialized result, or ValueError.
template <typename Request, typename Run>
py::bytes RunOnRecords(const py::bytes& records, const py::bytes& request,
                       Run run) {
  std::string records_bytes = records;
  std::string request_bytes = request;
  std::string result;
  absl::Status status;
  {
    py::gil_scoped_release release;
    google::protobuf::Arena arena;
    auto* site = google::protobuf::Arena::Create<v1::MetricRecords>(&arena);
    Request wanted;
    if (!site->ParseFromString(records_bytes)) {
      status = absl::InvalidArgumentError(
          "records: not a serialized divert.v1.MetricRecords");
    } else if (!wanted.ParseFromString(request_bytes)) {
      status = absl::InvalidArgumentError(absl::StrCat(
          "request: not a serialized ", Request::descriptor()->full_name()));
    } else {
      auto computed = run(*site, wanted);
      if (computed.ok()) {
        result = computed->SerializeAsString();
      } else {
        status = computed.status();
      }
    }
  }
  if (!status.ok()) throw py::value_error(std::string(status.message()));
  return py::bytes(result);
}

template <typename Message>
void ParseInto(const std::string& bytes, const char* what, Message* message) {
  if (!message->ParseFromString(bytes)) {
    throw py::value_error(std::string("not a serialized ") + what);
  }
}

}  // namespace

void RegisterMetrics(py::module_& m) {
  py::class_<PyMetricCatalog>(m, "MetricCatalog")
      .def_static(
          "compile",
          [](const py::bytes& catalog) {
            v1::MetricCatalog message;
            ParseInto(catalog, "divert.v1.MetricCatalog", &message);
            auto compiled = metrics::CompiledCatalog::Compile(message);
            if (!compiled.ok()) {
              throw py::value_error(std::string(compiled.status().message()));
            }
            return PyMetricCatalog{*std::move(compiled)};
          },
          py::arg("catalog"),
          "Compiles a serialized divert.v1.MetricCatalog; ValueError lists "
          "every problem.")
      .def("size",
           [](const PyMetricCatalog& self) {
             return self.catalog->catalog().metrics_size();
           })
      .def(
          "compute",
          [](const PyMetricCatalog& self, const py::bytes& records,
             const py::bytes& request) {
            return RunOnRecords<v1::MetricRequest>(records, request,
                                 [&](const v1::MetricRecords& site,
                                     const v1::MetricRequest& wanted) {
                                   return self.catalog->Compute(site, wanted);
                                 });
          },
          py::arg("records"), py::arg("request"),
          "The serialized divert.v1.MetricReport for a serialized request over "
          "serialized records.")
      .def(
          "compute_tables",
          [](const PyMetricCatalog& self, const py::bytes& records,
             const py::dict& tables, const py::bytes& request) {
            // Every table is read to its end (and its stream released)
            // before the computation.
            std::vector<std::pair<std::string, std::unique_ptr<metrics::StreamTable>>> read;
            for (const auto& [name, capsule] : tables) {
              const std::string table = py::cast<std::string>(name);
              read.emplace_back(table, ReadStream(py::cast<py::capsule>(capsule),
                                                  table.c_str()));
            }
            metrics::RecordColumns columns;
            for (const auto& [name, table] : read) {
              metrics::RecordBatches* batches = TableOf(&columns, name);
              if (batches == nullptr) {
                throw py::value_error(name + ": not a table of the records (referrals, "
                                      "events, people, encounters, arrests)");
              }
              *batches = table->batches();
            }
            return RunOnRecords<v1::MetricRequest>(
                records, request,
                [&](const v1::MetricRecords& site, const v1::MetricRequest& wanted) {
                  columns.records = &site;
                  return self.catalog->Compute(columns, wanted);
                });
          },
          py::arg("records"), py::arg("tables"), py::arg("request"),
          "The serialized divert.v1.MetricReport for a serialized request over "
          "serialized records and tables, a dict of 'arrow_array_stream' "
          "PyCapsules by name (referrals, events, people, encounters, "
          "arrests); the records hold none of what the tables give.");

  m.def(
      "metrics_evaluate_rearrest",
      [](const py::bytes& records, const py::bytes& request) {
        return RunOnRecords<v1::EvaluationRequest>(
            records, request,
            [](const v1::MetricRecords& site, const v1::EvaluationRequest& wanted) {
              return metrics::EvaluateRearrest(site, wanted);
            });
      },
      py::arg("records"), py::arg("request"),
      "The serialized divert.v1.RearrestEvaluation for serialized records and "
      "a serialized divert.v1.EvaluationRequest.");

  m.def(
      "metric_catalog_from_text",
      [](const std::string& text) {
        auto catalog = metrics::ParseCatalogText(text);
        if (!catalog.ok()) throw py::value_error(std::string(catalog.status().message()));
        return py::bytes(catalog->SerializeAsString());
      },
      py::arg("text"), "Parses a catalog in text format into serialized bytes.");

  m.def(
      "metrics_synthetic_site",
      [](uint64_t seed, int referrals) {
        if (referrals < 0) throw py::value_error("referrals is negative");
        std::string bytes;
        {
          py::gil_scoped_release release;
          metrics::SyntheticSiteOptions options;
          options.seed = seed;
          options.referrals = referrals;
          google::protobuf::Arena arena;
          auto* site = google::protobuf::Arena::Create<v1::MetricRecords>(&arena);
          metrics::GenerateSyntheticSite(options, site);
          bytes = site->SerializeAsString();
        }
        return py::bytes(bytes);
      },
      py::arg("seed"), py::arg("referrals"),
      "The SYNTHETIC site's records, serialized.");
}

}  // namespace divert::python

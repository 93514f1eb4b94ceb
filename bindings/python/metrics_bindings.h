// Metrics in divert._core: MetricCatalog (compiled once, computed over a
// site's records) and the SYNTHETIC site. python/divert/metrics.py is their
// public face.
#ifndef DIVERT_BINDINGS_PYTHON_METRICS_BINDINGS_H_
#define DIVERT_BINDINGS_PYTHON_METRICS_BINDINGS_H_

#include <pybind11/pybind11.h>

namespace divert::python {

// Adds MetricCatalog, metric_catalog_from_text and metrics_synthetic_site
// to the module.
void RegisterMetrics(pybind11::module_& m);

}  // namespace divert::python

#endif  // DIVERT_BINDINGS_PYTHON_METRICS_BINDINGS_H_

// The Python extension module divert._core: the door from Python into the
// divert C++ library. The Python package (python/divert/) wraps what is
// defined here.
#include <pybind11/pybind11.h>

#include "cel_bindings.h"
#include "metrics_bindings.h"
#include "policy_bindings.h"
#include "referral_bindings.h"
#include "screen_bindings.h"
#include "divert/version.h"

namespace py = pybind11;

PYBIND11_MODULE(_core, m) {
  m.doc() = "divert's C++ core (the compiled part of the divert package).";
  m.attr("__version__") = DIVERT_VERSION_STRING;
  divert::python::RegisterCel(m);
  divert::python::RegisterPolicy(m);
  divert::python::RegisterReferral(m);
  divert::python::RegisterScreen(m);
  divert::python::RegisterMetrics(m);
}

// The screening part of divert._core: a Screener that screens an Arrow
// stream (exchanged as PyCapsules of the Arrow PyCapsule interface, so
// pyarrow, polars and pandas tables cross without copying) into a stream
// with result columns. python/divert/screen.py is the public face of it.
#ifndef DIVERT_BINDINGS_PYTHON_SCREEN_BINDINGS_H_
#define DIVERT_BINDINGS_PYTHON_SCREEN_BINDINGS_H_

#include <pybind11/pybind11.h>

namespace divert::python {

// Adds Screener and parse_mapping to the module.
void RegisterScreen(pybind11::module_& m);

}  // namespace divert::python

#endif  // DIVERT_BINDINGS_PYTHON_SCREEN_BINDINGS_H_

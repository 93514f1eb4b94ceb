// The CEL part of divert._core: compiling and evaluating CEL expressions
// with Python values. python/divert/cel.py is the public face of it.
#ifndef DIVERT_BINDINGS_PYTHON_CEL_BINDINGS_H_
#define DIVERT_BINDINGS_PYTHON_CEL_BINDINGS_H_

#include <pybind11/pybind11.h>

namespace divert::python {

// Adds CelProgram and cel_compile to the module.
void RegisterCel(pybind11::module_& m);

}  // namespace divert::python

#endif  // DIVERT_BINDINGS_PYTHON_CEL_BINDINGS_H_

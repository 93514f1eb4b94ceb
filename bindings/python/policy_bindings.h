// The eligibility part of divert._core: compiling a site policy and
// deciding encounters. Messages cross as serialized bytes (the Python side
// holds divert.v1 *_pb2 messages); python/divert/policy.py is the public
// face of it.
#ifndef DIVERT_BINDINGS_PYTHON_POLICY_BINDINGS_H_
#define DIVERT_BINDINGS_PYTHON_POLICY_BINDINGS_H_

#include <pybind11/pybind11.h>

#include <memory>

#include "divert/eligibility/policy.h"

namespace divert::python {

// A compiled policy (_core.CompiledPolicy), immutable: safe to use from many
// threads at once, and shared with the screeners made from it.
struct PyPolicy {
  std::shared_ptr<const CompiledPolicy> policy;
};

// Adds CompiledPolicy and policy_compile to the module.
void RegisterPolicy(pybind11::module_& m);

}  // namespace divert::python

#endif  // DIVERT_BINDINGS_PYTHON_POLICY_BINDINGS_H_

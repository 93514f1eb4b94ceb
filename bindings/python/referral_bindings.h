// The referral life cycle and the SQLite event store in divert._core:
// Referrals (a site's log, folded), referral_apply (the pure function) and
// EventStore. python/divert/referral.py and store.py are their public face.
#ifndef DIVERT_BINDINGS_PYTHON_REFERRAL_BINDINGS_H_
#define DIVERT_BINDINGS_PYTHON_REFERRAL_BINDINGS_H_

#include <pybind11/pybind11.h>

namespace divert::python {

// Adds Referrals, referral_apply and EventStore to the module.
void RegisterReferral(pybind11::module_& m);

}  // namespace divert::python

#endif  // DIVERT_BINDINGS_PYTHON_REFERRAL_BINDINGS_H_

// The referral life cycle and the event store in divert._core (see
// referral_bindings.h).
//
// Messages cross as serialized bytes. A rejected event comes back as a
// tuple (code, rule, message) rather than an exception, so that the Python
// side raises its own typed errors; ("", "", "") means accepted.
#include "referral_bindings.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "divert/referral/disclosure.h"
#include "divert/referral/lifecycle.h"
#include "divert/referral/referrals.h"
#include "divert/referral/reports.h"
#include "divert/store/event_store.h"
#include "divert/v1/policy.pb.h"
#include "divert/v1/referral.pb.h"

namespace py = pybind11;

namespace divert::python {
namespace {

struct PyReferrals {
  explicit PyReferrals(LifecycleRules rules) : referrals(std::move(rules)) {}
  Referrals referrals;
};

struct PyEventStore {
  std::unique_ptr<EventStore> store;
};

py::tuple Outcome(const absl::Status& status) {
  if (status.ok()) return py::make_tuple("", "", "");
  return py::make_tuple(absl::StatusCodeToString(status.code()),
                        BrokenRule(status), std::string(status.message()));
}

template <typename Message>
Message Parse(const py::bytes& bytes, const char* what) {
  Message message;
  std::string data = bytes;
  if (!message.ParseFromString(data)) {
    throw py::value_error(std::string("not a serialized ") + what);
  }
  return message;
}

template <typename Message>
py::bytes Serialize(const Message& message) {
  return py::bytes(message.SerializeAsString());
}

std::vector<v1::ReferralEvent> ParseEvents(const py::list& events) {
  std::vector<v1::ReferralEvent> parsed;
  parsed.reserve(events.size());
  for (py::handle item : events) {
    if (!PyBytes_Check(item.ptr())) {
      throw py::type_error("events must be a list of bytes");
    }
    parsed.push_back(Parse<v1::ReferralEvent>(
        py::reinterpret_borrow<py::bytes>(item), "divert.v1.ReferralEvent"));
  }
  return parsed;
}

LifecycleRules MakeRules(const py::bytes& settings, const std::string& zone) {
  auto rules = LifecycleRules::Create(
      Parse<v1::ProgramSettings>(settings, "divert.v1.ProgramSettings"), zone);
  if (!rules.ok()) throw py::value_error(std::string(rules.status().message()));
  return *std::move(rules);
}

absl::CivilDay Day(const std::string& text) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day)) {
    throw py::value_error("not a date in the form YYYY-MM-DD");
  }
  return day;
}

void ThrowStoreError(const absl::Status& status) {
  static py::handle error =
      py::module_::import("divert.store").attr("EventStoreError");
  PyErr_SetString(error.ptr(), std::string(status.message()).c_str());
  throw py::error_already_set();
}

template <typename T>
T Value(absl::StatusOr<T> result) {
  if (!result.ok()) throw py::value_error(std::string(result.status().message()));
  return *std::move(result);
}

v1::Recipient MakeRecipient(const std::string& agency, const std::string& role) {
  v1::Recipient recipient;
  recipient.set_agency(agency);
  recipient.set_role(role);
  return recipient;
}

v1::DisclosurePurpose Purpose(int purpose) {
  if (purpose == v1::DISCLOSURE_PURPOSE_UNSPECIFIED ||
      !v1::DisclosurePurpose_IsValid(purpose)) {
    throw py::value_error("not a divert.v1.DisclosurePurpose");
  }
  return static_cast<v1::DisclosurePurpose>(purpose);
}

EventStore& Use(const PyEventStore& self) {
  if (self.store == nullptr) throw py::value_error("the event store is closed");
  return *self.store;
}

}  // namespace

void RegisterReferral(py::module_& m) {
  py::class_<PyReferrals, std::shared_ptr<PyReferrals>>(
      m, "Referrals", "A site's referral log (internal: use divert.Referrals).")
      .def(py::init([](const py::bytes& settings, const std::string& zone) {
             return std::make_shared<PyReferrals>(MakeRules(settings, zone));
           }),
           py::arg("settings"), py::arg("time_zone"))
      .def("append",
           [](PyReferrals& self, const py::bytes& event) {
             return Outcome(self.referrals.Append(
                 Parse<v1::ReferralEvent>(event, "divert.v1.ReferralEvent")));
           })
      .def("append_batch",
           [](PyReferrals& self, const py::list& events) {
             return Outcome(self.referrals.AppendBatch(ParseEvents(events)));
           })
      .def("commit",
           [](PyReferrals& self, PyEventStore& store, const py::list& events) {
             const std::vector<v1::ReferralEvent> parsed = ParseEvents(events);
             absl::Status stored;
             absl::Status status = self.referrals.AppendBatch(parsed, [&] {
               stored = Use(store).Append(parsed);
               return stored;
             });
             if (!stored.ok()) ThrowStoreError(stored);
             return Outcome(status);
           })
      .def("state",
           [](const PyReferrals& self, const std::string& id) -> py::object {
             const v1::ReferralState* state = self.referrals.Find(id);
             if (state == nullptr) return py::none();
             return Serialize(*state);
           })
      .def("states",
           [](const PyReferrals& self, const std::string& as_of) {
             if (as_of.empty()) return Serialize(self.referrals.AllStates());
             v1::ReferralStates states;
             for (v1::ReferralState& state :
                  self.referrals.StatesAsOf(Day(as_of))) {
               *states.add_referrals() = std::move(state);
             }
             return Serialize(states);
           })
      .def("due",
           [](const PyReferrals& self, const std::string& as_of,
              int within_days) {
             if (within_days < 0) throw py::value_error("within_days < 0");
             return Serialize(self.referrals.Due(Day(as_of), within_days));
           })
      .def("log",
           [](const PyReferrals& self) {
             v1::ReferralLog log;
             for (const v1::ReferralEvent& e : self.referrals.events()) {
               *log.add_events() = e;
             }
             return Serialize(log);
           })
      .def("disclose",
           [](const PyReferrals& self, const std::string& id,
              const std::string& agency, const std::string& role, int purpose,
              const std::string& as_of) -> py::object {
             const absl::CivilDay day = Day(as_of);
             for (const v1::ReferralState& state :
                  self.referrals.StatesAsOf(day)) {
               if (state.referral_id() != id) continue;
               return Serialize(Value(DiscloseReferral(
                   state, MakeRecipient(agency, role), Purpose(purpose), day)));
             }
             return py::none();
           })
      .def("disclose_decision",
           [](const PyReferrals& self, const std::string& id,
              const py::bytes& decision, const std::string& agency,
              const std::string& role, int purpose,
              const std::string& as_of) -> py::object {
             const absl::CivilDay day = Day(as_of);
             for (const v1::ReferralState& state :
                  self.referrals.StatesAsOf(day)) {
               if (state.referral_id() != id) continue;
               return Serialize(Value(DiscloseDecision(
                   state, Parse<v1::Decision>(decision, "divert.v1.Decision"),
                   MakeRecipient(agency, role), Purpose(purpose), day)));
             }
             return py::none();
           })
      .def("agenda",
           [](const PyReferrals& self, const std::string& previous,
              const std::string& meeting, const std::string& next_meeting) {
             return Serialize(Value(BuildOwgAgenda(self.referrals, Day(previous),
                                                   Day(meeting),
                                                   Day(next_meeting))));
           })
      .def("roster",
           [](const PyReferrals& self, const std::string& agency,
              const std::string& role, int purpose, const std::string& as_of) {
             return Serialize(Value(BuildRoster(self.referrals,
                                                MakeRecipient(agency, role),
                                                Purpose(purpose), Day(as_of))));
           })
      .def_property_readonly(
          "event_count",
          [](const PyReferrals& self) { return self.referrals.events().size(); })
      .def_property_readonly(
          "referral_count",
          [](const PyReferrals& self) { return self.referrals.size(); })
      .def_property_readonly(
          "places_taken",
          [](const PyReferrals& self) { return self.referrals.places_taken(); })
      .def_property_readonly("capacity", [](const PyReferrals& self) {
        return self.referrals.rules().capacity();
      });

  m.def(
      "referral_apply",
      [](const py::bytes& settings, const std::string& zone,
         const py::bytes& state, const py::bytes& event) -> py::tuple {
        absl::StatusOr<v1::ReferralState> next =
            Apply(MakeRules(settings, zone),
                  Parse<v1::ReferralState>(state, "divert.v1.ReferralState"),
                  Parse<v1::ReferralEvent>(event, "divert.v1.ReferralEvent"));
        if (!next.ok()) {
          return py::make_tuple(Outcome(next.status()), py::none());
        }
        return py::make_tuple(Outcome(absl::OkStatus()), Serialize(*next));
      },
      "Pure apply(state, event) (internal: use divert.referral.apply).");

  m.def("render_agenda_markdown", [](const py::bytes& agenda) {
    return RenderAgendaMarkdown(Parse<v1::OwgAgenda>(agenda, "divert.v1.OwgAgenda"));
  });
  m.def("render_roster_csv", [](const py::bytes& roster) {
    return RenderRosterCsv(Parse<v1::Roster>(roster, "divert.v1.Roster"));
  });

  py::class_<PyEventStore, std::shared_ptr<PyEventStore>>(
      m, "EventStore", "An SQLite event store (internal: use divert.EventStore).")
      .def(py::init([](const std::string& path) {
        auto store = EventStore::Open(path);
        if (!store.ok()) ThrowStoreError(store.status());
        auto out = std::make_shared<PyEventStore>();
        out->store = *std::move(store);
        return out;
      }))
      .def("append",
           [](PyEventStore& self, const py::list& events) {
             const std::vector<v1::ReferralEvent> parsed = ParseEvents(events);
             absl::Status status;
             {
               py::gil_scoped_release release;
               status = Use(self).Append(parsed);
             }
             if (!status.ok()) ThrowStoreError(status);
           })
      .def("read",
           [](const PyEventStore& self) {
             absl::StatusOr<std::vector<v1::ReferralEvent>> events;
             {
               py::gil_scoped_release release;
               events = Use(self).ReadAll();
             }
             if (!events.ok()) ThrowStoreError(events.status());
             v1::ReferralLog log;
             for (v1::ReferralEvent& e : *events) *log.add_events() = std::move(e);
             return Serialize(log);
           })
      .def("count",
           [](const PyEventStore& self) {
             absl::StatusOr<int64_t> count = Use(self).Count();
             if (!count.ok()) ThrowStoreError(count.status());
             return *count;
           })
      .def("close", [](PyEventStore& self) { self.store.reset(); })
      .def_property_readonly("closed", [](const PyEventStore& self) {
        return self.store == nullptr;
      });
}

}  // namespace divert::python

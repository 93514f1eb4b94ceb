// libFuzzer target: every entry point of the C ABI (include/divert/divert.h)
// fed arbitrary bytes, in a sequence the fuzzer chooses: CEL expressions,
// declarations and bindings; policies, encounters, versions and render
// formats; mappings; program settings, events, logs, dates, recipients and
// decisions; an in-memory event store. Formats and flags are arbitrary
// integers too. Any status is fine, but a failing call must leave a message
// in divert_last_error(), and nothing may crash or leak.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "divert/divert.h"
#include "fuzz_support.h"

namespace {

constexpr char kSettings[] = R"pb(
  intake_deadline_days: 30
  social_contact_requires_owg_approval: true
  referral_sources { name: "NYPD" pathways: ARREST_DIVERSION pathways: SOCIAL_CONTACT }
  extensions { allowed: true extension_days: 30 max_extensions: 2 }
  case_managers { id: "cm-1" agency: "Harm Reduction Services" }
  maximum_caseload: 25
)pb";

const divert_policy* Example1() {
  static const divert_policy* policy = [] {
    const std::string text =
        divert::fuzz::ReadSourceFile("examples/policies/example1_new_york.textproto");
    divert_policy* compiled = nullptr;
    if (divert_policy_compile(text.data(), text.size(), DIVERT_FORMAT_TEXT,
                              &compiled) != DIVERT_OK) {
      std::abort();
    }
    return compiled;
  }();
  return policy;
}

// Fails the run when a call failed without saying why.
void Check(int status) {
  if (status == DIVERT_OK) return;
  const char* error = divert_last_error();
  if (error == nullptr || error[0] == '\0') std::abort();
}

class Fuzz {
 public:
  Fuzz(const uint8_t* data, size_t size) : in_(data, size) {}
  ~Fuzz() {
    divert_referrals_destroy(referrals_);
    divert_event_store_close(store_);
  }

  void Run() {
    for (int step = 0; step < 8 && in_.remaining_bytes() > 0; ++step) Step();
  }

 private:
  // Arbitrary bytes; with a NUL-terminated length now and then.
  struct Bytes {
    std::string data;
    size_t len;
  };
  Bytes Data() {
    Bytes b;
    b.data = in_.ConsumeRandomLengthString(4096);
    b.len = in_.ConsumeBool() ? b.data.size() : DIVERT_NUL_TERMINATED;
    return b;
  }
  // A NUL-terminated string, or NULL now and then.
  std::string text_[8];
  int next_text_ = 0;
  const char* Text() {
    if (in_.ConsumeIntegralInRange(0, 15) == 0) return nullptr;
    std::string& t = text_[next_text_++ % 8];
    t = in_.ConsumeRandomLengthString(64);
    return t.c_str();
  }
  int Format() { return in_.ConsumeIntegralInRange(-1, 3); }
  // An output buffer, freed at once.
  struct Out {
    char* buffer = nullptr;
    size_t len = 0;
    ~Out() { divert_buffer_free(buffer); }
  };
  divert_referrals* Referrals() {
    if (referrals_ == nullptr) {
      Check(divert_referrals_create(kSettings, DIVERT_NUL_TERMINATED,
                                    DIVERT_FORMAT_TEXT, "America/New_York",
                                    &referrals_));
    }
    return referrals_;
  }

  void Step() {
    switch (in_.ConsumeIntegralInRange(0, 23)) {
      case 0: {
        (void)divert_version_check(in_.ConsumeIntegral<int>());
        (void)divert_version_number();
        (void)divert_version_string();
        break;
      }
      case 1: {
        Bytes expr = Data(), decls = Data(), bindings = Data();
        divert_cel_program* program = nullptr;
        const int status = divert_cel_compile(
            expr.data.c_str(), expr.len, in_.ConsumeBool() ? decls.data.c_str() : nullptr,
            decls.len, &program);
        Check(status);
        if (status == DIVERT_OK) {
          Out result, type;
          Check(divert_cel_program_evaluate(program, bindings.data.c_str(), bindings.len,
                                            &result.buffer, &result.len));
          Check(divert_cel_result_type(program, &type.buffer, &type.len));
          divert_cel_program_destroy(program);
        }
        break;
      }
      case 2: {
        Bytes expr = Data(), bindings = Data();
        divert_cel_program* program = nullptr;
        const int status = divert_cel_compile_unchecked(expr.data.c_str(), expr.len, &program);
        Check(status);
        if (status == DIVERT_OK) {
          Out result;
          Check(divert_cel_program_evaluate(program, bindings.data.c_str(), bindings.len,
                                            &result.buffer, &result.len));
          divert_cel_program_destroy(program);
        }
        break;
      }
      case 3: {
        Bytes expr = Data(), bindings = Data();
        Out result;
        Check(divert_cel_evaluate(expr.data.c_str(), expr.len, bindings.data.c_str(),
                                  bindings.len, &result.buffer, &result.len));
        break;
      }
      case 4: {
        Bytes expr = Data(), decls = Data();
        Out issues;
        Check(divert_cel_check(expr.data.c_str(), expr.len, decls.data.c_str(), decls.len,
                               &issues.buffer, &issues.len));
        break;
      }
      case 5: {
        Bytes policy = Data();
        divert_policy* compiled = nullptr;
        const int status =
            divert_policy_compile(policy.data.c_str(), policy.len, Format(), &compiled);
        Check(status);
        if (status == DIVERT_OK) {
          Out site, fidelity, doc;
          Check(divert_policy_site_policy(compiled, Format(), &site.buffer, &site.len));
          Check(divert_policy_check_fidelity(compiled, Format(), &fidelity.buffer,
                                             &fidelity.len));
          Check(divert_policy_render(compiled, Text(), in_.ConsumeIntegralInRange(-1, 2),
                                     &doc.buffer, &doc.len));
          divert_policy_destroy(compiled);
        }
        break;
      }
      case 6: {
        Bytes policy = Data();
        Out issues;
        Check(divert_policy_check(policy.data.c_str(), policy.len, Format(), &issues.buffer,
                                  &issues.len));
        break;
      }
      case 7: {
        Bytes encounter = Data();
        Out decision;
        Check(divert_policy_evaluate(Example1(), encounter.data.c_str(), encounter.len,
                                     Format(), Format(), &decision.buffer,
                                     in_.ConsumeBool() ? &decision.len : nullptr));
        break;
      }
      case 8: {
        Bytes encounter = Data();
        Out decision;
        Check(divert_policy_evaluate_version(Example1(), encounter.data.c_str(),
                                             encounter.len, Format(), Format(), Text(),
                                             &decision.buffer, &decision.len));
        break;
      }
      case 9: {
        Out doc;
        // Only unknown labels: rendering all of Example 1 is too slow to
        // repeat, and its own tests cover it.
        std::string version = "no such version " + in_.ConsumeRandomLengthString(32);
        Check(divert_policy_render(Example1(), version.c_str(),
                                   in_.ConsumeIntegralInRange(-1, 2), &doc.buffer, &doc.len));
        break;
      }
      case 10: {
        Bytes mapping = Data();
        divert_screener* screener = nullptr;
        const int status = divert_screener_create(Example1(), mapping.data.c_str(),
                                                  mapping.len, Format(), &screener);
        Check(status);
        if (status == DIVERT_OK) {
          Out summary;
          Check(divert_screener_summary(screener, Format(), &summary.buffer, &summary.len));
          divert_screener_destroy(screener);
        }
        break;
      }
      case 11: {
        Bytes settings = Data();
        divert_referrals* created = nullptr;
        const int status = divert_referrals_create(settings.data.c_str(), settings.len,
                                                   Format(), Text(), &created);
        Check(status);
        if (status == DIVERT_OK) {
          divert_referrals_destroy(referrals_);
          referrals_ = created;
        }
        break;
      }
      case 12: {
        Bytes event = Data();
        Check(divert_referrals_append(Referrals(), event.data.c_str(), event.len, Format()));
        break;
      }
      case 13: {
        Bytes log = Data();
        Check(divert_referrals_append_log(Referrals(), log.data.c_str(), log.len, Format()));
        (void)divert_referrals_event_count(Referrals());
        break;
      }
      case 14: {
        Out state;
        Check(divert_referrals_state(Referrals(), Text(), Format(), &state.buffer,
                                     &state.len));
        break;
      }
      case 15: {
        Out states, due, log;
        Check(divert_referrals_states(Referrals(), Text(), Format(), &states.buffer,
                                      &states.len));
        Check(divert_referrals_due(Referrals(), Text(), in_.ConsumeIntegral<int>(), Format(),
                                   &due.buffer, &due.len));
        Check(divert_referrals_log(Referrals(), Format(), &log.buffer, &log.len));
        break;
      }
      case 16: {
        Out disclosure;
        Check(divert_referrals_disclose(Referrals(), Text(), Text(), Text(),
                                        in_.ConsumeIntegralInRange(-1, 6), Text(), Format(),
                                        &disclosure.buffer, &disclosure.len));
        break;
      }
      case 17: {
        Bytes decision = Data();
        Out disclosure;
        Check(divert_referrals_disclose_decision(
            Referrals(), Text(), decision.data.c_str(), decision.len, Format(), Text(), Text(),
            in_.ConsumeIntegralInRange(-1, 6), Text(), Format(), &disclosure.buffer,
            &disclosure.len));
        break;
      }
      case 18: {
        Out agenda;
        Check(divert_referrals_agenda(Referrals(), Text(), Text(), Text(),
                                      in_.ConsumeIntegralInRange(0, 1), Format(),
                                      &agenda.buffer, &agenda.len));
        break;
      }
      case 19: {
        Out roster;
        Check(divert_referrals_roster(Referrals(), Text(), Text(),
                                      in_.ConsumeIntegralInRange(-1, 6), Text(),
                                      in_.ConsumeIntegralInRange(0, 1), Format(),
                                      &roster.buffer, &roster.len));
        break;
      }
      case 20: {
        if (store_ == nullptr) Check(divert_event_store_open(":memory:", &store_));
        if (store_ == nullptr) break;
        Bytes log = Data();
        Check(divert_referrals_commit(Referrals(), store_, log.data.c_str(), log.len,
                                      Format()));
        Out read;
        Check(divert_event_store_read(store_, Format(), &read.buffer, &read.len));
        divert_referrals* fresh = nullptr;
        Check(divert_referrals_create(kSettings, DIVERT_NUL_TERMINATED, DIVERT_FORMAT_TEXT,
                                      nullptr, &fresh));
        Check(divert_referrals_load(fresh, store_));
        divert_referrals_destroy(fresh);
        break;
      }
      case 21: {
        // NULL where a pointer is required: an error, never a crash.
        Out out;
        Check(divert_policy_evaluate(nullptr, "{}", 2, DIVERT_FORMAT_JSON,
                                     DIVERT_FORMAT_JSON, &out.buffer, &out.len));
        Check(divert_policy_compile(nullptr, 0, DIVERT_FORMAT_TEXT, nullptr));
        Check(divert_cel_evaluate(nullptr, 0, nullptr, 0, nullptr, nullptr));
        Check(divert_referrals_append(nullptr, nullptr, 0, DIVERT_FORMAT_JSON));
        Check(divert_screener_screen(nullptr, nullptr, nullptr));
        Check(divert_policy_screen(Example1(), nullptr, 0, DIVERT_FORMAT_TEXT, nullptr,
                                   nullptr));
        Check(divert_event_store_read(nullptr, DIVERT_FORMAT_JSON, &out.buffer, &out.len));
        Check(divert_referrals_load(Referrals(), nullptr));
        divert_policy_destroy(nullptr);
        divert_screener_destroy(nullptr);
        divert_referrals_destroy(nullptr);
        divert_cel_program_destroy(nullptr);
        divert_buffer_free(nullptr);
        break;
      }
      default: {
        Out states;
        Check(divert_referrals_states(Referrals(), nullptr, Format(), &states.buffer,
                                      &states.len));
        break;
      }
    }
  }

  FuzzedDataProvider in_;
  divert_referrals* referrals_ = nullptr;
  divert_event_store* store_ = nullptr;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Fuzz(data, size).Run();
  return 0;
}

/*
** A plain C99 program that records a referral's life cycle through the C
** ABI, linked against the shared library: events in as JSON, state and
** what is due out as JSON, a rejected event naming its rule, and the event
** store. argv[1] is a scratch directory for the store's file. Exit code 0
** when every check passes; each failed check prints its line.
*/
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "divert/divert.h"

static int failures = 0;
static int checks = 0;

#define CHECK(cond)                                                  \
  do {                                                               \
    ++checks;                                                        \
    if (!(cond)) {                                                   \
      ++failures;                                                    \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n  last error: %s\n", \
              __FILE__, __LINE__, #cond, divert_last_error());       \
    }                                                                \
  } while (0)

#define NT DIVERT_NUL_TERMINATED

static int contains(const char* text, const char* part) {
  return text != NULL && strstr(text, part) != NULL;
}

static const char kSettings[] =
    "intake_deadline_days: 30\n"
    "social_contact_requires_owg_approval: true\n"
    "referral_sources { name: \"NYPD\" }\n"
    "extensions { allowed: true extension_days: 30 }\n"
    "case_managers { id: \"cm-1\" }\n";

/* An event of referral r-1 on a day of March 2024, recorded by `role`. */
static void event(char* out, size_t size, int day, const char* role,
                  const char* kind) {
  snprintf(out, size,
           "{\"referralId\": \"r-1\", \"occurredAt\": \"2024-03-%02dT12:00:00Z\","
           " \"recordedAt\": \"2024-03-%02dT13:00:00Z\","
           " \"recordedBy\": {\"role\": \"%s\", \"agency\": \"NYPD\"}, %s}",
           day, day, role, kind);
}

static int append(divert_referrals* referrals, int day, const char* role,
                  const char* kind) {
  char json[1024];
  event(json, sizeof json, day, role, kind);
  return divert_referrals_append(referrals, json, NT, DIVERT_FORMAT_JSON);
}

static const char kRoi[] =
    "\"roiSigned\": {\"roi\": {\"roiId\": \"roi-1\", \"disclosers\": [\"HRS\"],"
    " \"recipients\": [{\"agency\": \"District Attorney\"}],"
    " \"information\": [\"PROGRAM_STATUS\"], \"purposes\": [\"OPERATIONS_REVIEW\"],"
    " \"expiresUponEvent\": \"end of participation\","
    " \"rightToRevokeExplained\": true,"
    " \"signedOn\": {\"year\": 2024, \"month\": 3, \"day\": 2}}}";

static const char kEligibilityRoi[] =
    "\"roiSigned\": {\"roi\": {\"roiId\": \"roi-2\", \"disclosers\": [\"HRS\"],"
    " \"recipients\": [{\"agency\": \"Public Defender\"}],"
    " \"information\": [\"ELIGIBILITY\"], \"purposes\": [\"OPERATIONS_REVIEW\"],"
    " \"expiresUponEvent\": \"end of participation\","
    " \"rightToRevokeExplained\": true,"
    " \"signedOn\": {\"year\": 2024, \"month\": 3, \"day\": 4}}}";

static void test_life_cycle(void) {
  divert_referrals* referrals = NULL;
  char* out = NULL;
  size_t out_len = 0;
  CHECK(divert_referrals_create(kSettings, NT, DIVERT_FORMAT_TEXT, "UTC",
                                &referrals) == DIVERT_OK);
  CHECK(append(referrals, 1, "ROLE_OFFICER",
               "\"eligibilityRecorded\": {\"decisionId\": \"dec-1\","
               " \"outcome\": \"ELIGIBLE\"}") == DIVERT_OK);
  CHECK(append(referrals, 1, "ROLE_OFFICER", "\"offerMade\": {}") == DIVERT_OK);
  CHECK(append(referrals, 1, "ROLE_OFFICER", "\"offerAccepted\": {}") == DIVERT_OK);

  /* A second acceptance breaks a rule, names it, and changes nothing. */
  CHECK(append(referrals, 2, "ROLE_OFFICER", "\"offerAccepted\": {}") ==
        DIVERT_ERROR_REJECTED);
  CHECK(strncmp(divert_last_error(), "rule offer.already_answered: ", 29) == 0);
  CHECK(divert_referrals_event_count(referrals) == 3);
  /* So does an unknown case manager. */
  CHECK(append(referrals, 1, "ROLE_OFFICER",
               "\"warmHandOff\": {\"caseManagerId\": \"cm-7\","
               " \"setting\": \"STATION\"}") == DIVERT_ERROR_REJECTED);
  CHECK(contains(divert_last_error(), "handoff.unknown_case_manager"));
  /* And enrolment without consent and a release of information. */
  CHECK(append(referrals, 3, "ROLE_CASE_MANAGER", "\"enrolled\": {}") ==
        DIVERT_ERROR_REJECTED);
  CHECK(contains(divert_last_error(), "enrolment.requires_consent_and_roi"));
  /* A malformed event is an invalid argument that names its rule too. */
  CHECK(divert_referrals_append(referrals, "{\"referralId\": \"r-1\"}", NT,
                                DIVERT_FORMAT_JSON) ==
        DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(contains(divert_last_error(), "rule event.occurred_at"));
  CHECK(divert_referrals_append(referrals, "{\"nope\": 1}", NT,
                                DIVERT_FORMAT_JSON) ==
        DIVERT_ERROR_INVALID_ARGUMENT);

  CHECK(append(referrals, 2, "ROLE_CASE_MANAGER", "\"consentGiven\": {}") == DIVERT_OK);
  CHECK(append(referrals, 2, "ROLE_CASE_MANAGER", kRoi) == DIVERT_OK);
  CHECK(append(referrals, 3, "ROLE_CASE_MANAGER", "\"enrolled\": {}") == DIVERT_OK);

  CHECK(divert_referrals_state(referrals, "r-1", DIVERT_FORMAT_JSON, &out,
                               &out_len) == DIVERT_OK);
  CHECK(contains(out, "\"stage\":\"ENROLLED\""));
  CHECK(contains(out, "\"referralArrest\":\"ARREST_VOIDED\""));
  CHECK(out_len == strlen(out));
  divert_buffer_free(out);

  CHECK(divert_referrals_state(referrals, "r-9", DIVERT_FORMAT_JSON, &out,
                               &out_len) == DIVERT_ERROR_NOT_FOUND);
  CHECK(out == NULL);

  /* As of March 1 the intake was open and due on the 31st. */
  CHECK(divert_referrals_due(referrals, "2024-03-01", 30, DIVERT_FORMAT_JSON,
                             &out, NULL) == DIVERT_OK);
  CHECK(contains(out, "\"kind\":\"INTAKE\""));
  CHECK(contains(out, "\"dueOn\":{\"year\":2024,\"month\":3,\"day\":31}"));
  divert_buffer_free(out);
  CHECK(divert_referrals_due(referrals, "March 1", 30, DIVERT_FORMAT_JSON,
                             &out, NULL) == DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(divert_referrals_states(referrals, "2024-03-01", DIVERT_FORMAT_JSON,
                                &out, NULL) == DIVERT_OK);
  CHECK(contains(out, "OFFER_ACCEPTED"));
  divert_buffer_free(out);

  /* Disclosure: the release names the District Attorney for OWG review. */
  CHECK(divert_referrals_disclose(referrals, "r-1", "District Attorney", NULL,
                                  DIVERT_PURPOSE_OPERATIONS_REVIEW,
                                  "2024-03-05", DIVERT_FORMAT_JSON, &out,
                                  NULL) == DIVERT_OK);
  CHECK(contains(out, "\"permitted\":true"));
  CHECK(contains(out, "\"stage\":\"ENROLLED\""));
  CHECK(!contains(out, "chargeCodes"));
  divert_buffer_free(out);
  CHECK(divert_referrals_disclose(referrals, "r-1", "Clinic", NULL,
                                  DIVERT_PURPOSE_CARE_COORDINATION,
                                  "2024-03-05", DIVERT_FORMAT_JSON, &out,
                                  NULL) == DIVERT_OK);
  CHECK(!contains(out, "permitted"));
  CHECK(contains(out, "\"denialReason\":\"no release of information in force"));
  divert_buffer_free(out);
  CHECK(divert_referrals_disclose(referrals, "r-1", "Clinic", NULL, 42,
                                  "2024-03-05", DIVERT_FORMAT_JSON, &out,
                                  NULL) == DIVERT_ERROR_INVALID_ARGUMENT);

  /* An eligibility decision goes whole to whom a release gives eligibility
     information, and not at all to anyone else. */
  CHECK(append(referrals, 4, "ROLE_CASE_MANAGER", kEligibilityRoi) == DIVERT_OK);
  {
    static const char decision[] =
        "{\"decisionId\": \"dec-1\", \"outcome\": \"ELIGIBLE\","
        " \"summary\": \"Eligible for arrest diversion\"}";
    CHECK(divert_referrals_disclose_decision(
              referrals, "r-1", decision, NT, DIVERT_FORMAT_JSON,
              "Public Defender", NULL, DIVERT_PURPOSE_OPERATIONS_REVIEW,
              "2024-03-05", DIVERT_FORMAT_JSON, &out, NULL) == DIVERT_OK);
    CHECK(contains(out, "\"permitted\":true"));
    CHECK(contains(out, "\"decisionId\":\"dec-1\""));
    divert_buffer_free(out);
    CHECK(divert_referrals_disclose_decision(
              referrals, "r-1", decision, NT, DIVERT_FORMAT_JSON,
              "District Attorney", NULL, DIVERT_PURPOSE_OPERATIONS_REVIEW,
              "2024-03-05", DIVERT_FORMAT_JSON, &out, NULL) == DIVERT_OK);
    CHECK(!contains(out, "permitted"));
    CHECK(!contains(out, "dec-1"));
    CHECK(contains(out, "\"denialReason\""));
    divert_buffer_free(out);
    CHECK(divert_referrals_disclose_decision(
              referrals, "r-1", "{\"outcome\": 12.5}", NT, DIVERT_FORMAT_JSON,
              "Public Defender", NULL, DIVERT_PURPOSE_OPERATIONS_REVIEW,
              "2024-03-05", DIVERT_FORMAT_JSON, &out, NULL) ==
          DIVERT_ERROR_INVALID_ARGUMENT);
    CHECK(out == NULL);
    CHECK(divert_referrals_disclose_decision(
              referrals, "r-9", decision, NT, DIVERT_FORMAT_JSON,
              "Public Defender", NULL, DIVERT_PURPOSE_OPERATIONS_REVIEW,
              "2024-03-05", DIVERT_FORMAT_JSON, &out, NULL) ==
          DIVERT_ERROR_NOT_FOUND);
  }

  /* The OWG agenda and the roster. */
  CHECK(divert_referrals_agenda(referrals, "2024-02-27", "2024-03-12",
                                "2024-03-26", 1, 0, &out, &out_len) == DIVERT_OK);
  CHECK(contains(out, "# LEAD Operations Work Group — 2024-03-12"));
  CHECK(contains(out, "- r-1: Arrest diversion"));
  divert_buffer_free(out);
  CHECK(divert_referrals_agenda(referrals, "2024-03-12", "2024-03-12",
                                "2024-03-26", 0, DIVERT_FORMAT_JSON, &out,
                                NULL) == DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(divert_referrals_roster(referrals, "District Attorney", "",
                                DIVERT_PURPOSE_OPERATIONS_REVIEW, "2024-03-05",
                                1, 0, &out, NULL) == DIVERT_OK);
  CHECK(strncmp(out, "referral_id,referral_type,", 26) == 0);
  CHECK(contains(out, "\r\nr-1,,"));  /* REFERRAL_DETAILS not released */
  divert_buffer_free(out);

  /* Binary output needs its length. */
  CHECK(divert_referrals_log(referrals, DIVERT_FORMAT_BINARY, &out, NULL) ==
        DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(divert_referrals_log(referrals, DIVERT_FORMAT_BINARY, &out,
                             &out_len) == DIVERT_OK);
  CHECK(out_len > 0);
  divert_buffer_free(out);
  divert_referrals_destroy(referrals);
  divert_referrals_destroy(NULL);

  CHECK(divert_referrals_create(kSettings, NT, DIVERT_FORMAT_TEXT,
                                "Mars/Olympus_Mons", &referrals) ==
        DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(referrals == NULL);
}

static void test_store(const char* dir) {
  char path[512];
  char log[4096];
  char first[1024];
  char second[1024];
  divert_event_store* store = NULL;
  divert_referrals* referrals = NULL;
  divert_referrals* reloaded = NULL;
  char* out = NULL;
  size_t out_len = 0;

  snprintf(path, sizeof path, "%s/capi-referral-test-%ld.db", dir,
           (long)getpid());
  remove(path);
  CHECK(divert_event_store_open(path, &store) == DIVERT_OK);
  CHECK(divert_referrals_create(kSettings, NT, DIVERT_FORMAT_TEXT, NULL,
                                &referrals) == DIVERT_OK);
  event(first, sizeof first, 1, "ROLE_OFFICER",
        "\"socialContactReferred\": {\"source\": \"NYPD\"}");
  event(second, sizeof second, 8, "ROLE_OWG",
        "\"referralApproved\": {\"approvedBy\": \"Sgt. 4\"}");
  snprintf(log, sizeof log, "{\"events\": [%s, %s]}", first, second);
  CHECK(divert_referrals_commit(referrals, store, log, NT,
                                DIVERT_FORMAT_JSON) == DIVERT_OK);
  /* A rejected batch is neither stored nor applied. */
  event(first, sizeof first, 9, "ROLE_PROSECUTOR", "\"chargeFiled\": {}");
  snprintf(log, sizeof log, "{\"events\": [%s]}", first);
  CHECK(divert_referrals_commit(referrals, store, log, NT,
                                DIVERT_FORMAT_JSON) == DIVERT_ERROR_REJECTED);
  CHECK(contains(divert_last_error(), "event 0: rule filing.social_contact"));
  CHECK(divert_referrals_event_count(referrals) == 2);
  divert_event_store_close(store);

  CHECK(divert_event_store_open(path, &store) == DIVERT_OK);
  CHECK(divert_event_store_read(store, DIVERT_FORMAT_JSON, &out, &out_len) ==
        DIVERT_OK);
  CHECK(contains(out, "referralApproved"));
  CHECK(!contains(out, "chargeFiled"));
  divert_buffer_free(out);
  CHECK(divert_referrals_create(kSettings, NT, DIVERT_FORMAT_TEXT, NULL,
                                &reloaded) == DIVERT_OK);
  CHECK(divert_referrals_load(reloaded, store) == DIVERT_OK);
  CHECK(divert_referrals_load(reloaded, store) == DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(divert_referrals_state(reloaded, "r-1", DIVERT_FORMAT_JSON, &out,
                               NULL) == DIVERT_OK);
  CHECK(contains(out, "\"approvedBy\":\"Sgt. 4\""));
  divert_buffer_free(out);
  divert_referrals_destroy(reloaded);
  divert_referrals_destroy(referrals);
  divert_event_store_close(store);

  snprintf(path, sizeof path, "%s/no-such-dir-%ld/x.db", dir, (long)getpid());
  CHECK(divert_event_store_open(path, &store) == DIVERT_ERROR_STORE);
  CHECK(store == NULL);
}

int main(int argc, char** argv) {
  test_life_cycle();
  test_store(argc > 1 ? argv[1] : ".");
  if (failures > 0) {
    fprintf(stderr, "%d of %d checks failed\n", failures, checks);
    return 1;
  }
  printf("%d checks passed\n", checks);
  return 0;
}

/*
** A plain C99 program that decides encounters under a site policy through
** the C ABI, linked against the shared library: what a county's C program
** sees. argv[1] is the toolkit's Example 1 policy
** (examples/policies/example1_new_york.textproto). Exit code 0 when every
** check passes; each failed check prints its line.
*/
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Reads a whole file into a malloc'd, NUL-terminated buffer. */
static char* read_file(const char* path, size_t* len) {
  FILE* file = fopen(path, "rb");
  char* data;
  long size;
  if (file == NULL) return NULL;
  if (fseek(file, 0, SEEK_END) != 0 || (size = ftell(file)) < 0 ||
      fseek(file, 0, SEEK_SET) != 0) {
    fclose(file);
    return NULL;
  }
  data = (char*)malloc((size_t)size + 1);
  if (data != NULL && fread(data, 1, (size_t)size, file) != (size_t)size) {
    free(data);
    data = NULL;
  }
  fclose(file);
  if (data == NULL) return NULL;
  data[size] = '\0';
  *len = (size_t)size;
  return data;
}

/* ---- encounters (proto3 JSON), from tests/eligibility/scenarios.json ---- */

/* The circumstances every eligible arrest diversion below shares. */
#define CLEAR_CIRCUMSTANCES                                              \
  "\"victimPresent\": false, \"ableToConsent\": true, "                  \
  "\"imminentDanger\": false, \"onSupervision\": false, "                \
  "\"outstandingWarrants\": false, \"exploitsMinorsOrOthers\": false, " \
  "\"offenseRelatedToNeeds\": true"

static const char* const kPetitLarceny =
    "{\"encounterId\": \"capi-1\", \"occurredAt\": \"2017-12-14T15:20:00Z\","
    " \"pathway\": \"ARREST_DIVERSION\","
    " \"person\": {\"needs\": {\"drugs\": true, \"homelessness\": true}},"
    " \"charges\": [{\"statuteCode\": \"PL 155.25\"}],"
    " \"circumstances\": {" CLEAR_CIRCUMSTANCES "}}";

static const char* const kAssault =
    "{\"encounterId\": \"capi-2\", \"occurredAt\": \"2017-12-14T15:20:00Z\","
    " \"pathway\": \"ARREST_DIVERSION\","
    " \"person\": {\"needs\": {\"drugs\": true}},"
    " \"charges\": [{\"statuteCode\": \"PL 120.00\"}],"
    " \"circumstances\": {" CLEAR_CIRCUMSTANCES "}}";

/* No answer to "is the person able to consent?". */
static const char* const kConsentUnknown =
    "{\"encounterId\": \"capi-3\", \"occurredAt\": \"2017-12-14T15:20:00Z\","
    " \"pathway\": \"ARREST_DIVERSION\","
    " \"person\": {\"needs\": {\"drugs\": true, \"homelessness\": true}},"
    " \"charges\": [{\"statuteCode\": \"PL 140.10\"}],"
    " \"circumstances\": {\"victimPresent\": false, \"imminentDanger\": false,"
    " \"onSupervision\": false, \"outstandingWarrants\": false,"
    " \"exploitsMinorsOrOthers\": false, \"offenseRelatedToNeeds\": true}}";

/* 1.5 grams: over 2017-1's limit (1 gram), under 2018-1's (2 grams). */
static const char* const kDrugPossession =
    "{\"encounterId\": \"capi-4\", \"occurredAt\": \"2017-12-14T15:20:00Z\","
    " \"pathway\": \"ARREST_DIVERSION\","
    " \"person\": {\"needs\": {\"drugs\": true}},"
    " \"charges\": [{\"statuteCode\": \"PL 220.03\","
    " \"drugQuantityGrams\": 1.5}],"
    " \"circumstances\": {" CLEAR_CIRCUMSTANCES "}}";

/* The day before Example 1's first version is in force. */
static const char* const kBeforeFirstVersion =
    "{\"encounterId\": \"capi-5\", \"occurredAt\": \"2017-06-30T16:00:00Z\","
    " \"pathway\": \"ARREST_DIVERSION\","
    " \"person\": {\"needs\": {\"drugs\": true}},"
    " \"charges\": [{\"statuteCode\": \"PL 155.25\"}],"
    " \"circumstances\": {" CLEAR_CIRCUMSTANCES "}}";

/* ---- a minimal protobuf wire-format writer and reader ---- */

typedef struct {
  unsigned char data[1024];
  size_t len;
} wire;

static void wire_varint(wire* w, uint64_t v) {
  while (v >= 0x80) {
    w->data[w->len++] = (unsigned char)(v | 0x80);
    v >>= 7;
  }
  w->data[w->len++] = (unsigned char)v;
}

static void wire_tag(wire* w, int field, int type) {
  wire_varint(w, ((uint64_t)field << 3) | (uint64_t)type);
}

static void wire_uint(wire* w, int field, uint64_t v) {
  wire_tag(w, field, 0);
  wire_varint(w, v);
}

static void wire_bytes(wire* w, int field, const void* data, size_t len) {
  wire_tag(w, field, 2);
  wire_varint(w, len);
  memcpy(w->data + w->len, data, len);
  w->len += len;
}

static void wire_string(wire* w, int field, const char* text) {
  wire_bytes(w, field, text, strlen(text));
}

static void wire_message(wire* w, int field, const wire* sub) {
  wire_bytes(w, field, sub->data, sub->len);
}

/* Reads a varint at *pos; 0 at the end of the data. */
static uint64_t read_varint(const unsigned char* data, size_t len,
                            size_t* pos) {
  uint64_t v = 0;
  int shift = 0;
  while (*pos < len && shift < 64) {
    unsigned char byte = data[(*pos)++];
    v |= (uint64_t)(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) break;
    shift += 7;
  }
  return v;
}

/* One field of a message: its number, wire type, and value. */
typedef struct {
  int field;
  int type;
  uint64_t number;           /* type 0 */
  const unsigned char* data; /* type 2 */
  size_t len;
} wire_field;

/* Reads the next field at *pos; 0 at the end (or on a type we skip). */
static int next_field(const unsigned char* data, size_t len, size_t* pos,
                      wire_field* f) {
  uint64_t key;
  if (*pos >= len) return 0;
  key = read_varint(data, len, pos);
  f->field = (int)(key >> 3);
  f->type = (int)(key & 7);
  f->data = NULL;
  f->len = 0;
  f->number = 0;
  switch (f->type) {
    case 0:
      f->number = read_varint(data, len, pos);
      return 1;
    case 1:
      *pos += 8;
      return *pos <= len;
    case 2:
      f->len = (size_t)read_varint(data, len, pos);
      f->data = data + *pos;
      *pos += f->len;
      return *pos <= len;
    case 5:
      *pos += 4;
      return *pos <= len;
  }
  return 0;
}

/* divert.v1.Decision field numbers and enum values used below. */
enum {
  kDecisionPolicyVersion = 3,
  kDecisionOutcome = 7,
  kDecisionRules = 9,
  kDecisionSummary = 11,
  kRuleId = 1,
  kRuleDecisive = 9,
  kEligible = 1,
  kExcluded = 3,
  kNeedsReview = 4
};

/* The outcome of a binary Decision, and whether rule `rule_id` is decisive
** in it. */
static int binary_outcome(const char* decision, size_t len, const char* rule_id,
                          int* decisive) {
  const unsigned char* data = (const unsigned char*)decision;
  size_t pos = 0;
  int outcome = 0;
  wire_field f;
  *decisive = 0;
  while (next_field(data, len, &pos, &f)) {
    if (f.field == kDecisionOutcome && f.type == 0) outcome = (int)f.number;
    if (f.field == kDecisionRules && f.type == 2) {
      size_t rule_pos = 0;
      wire_field r;
      int is_rule = 0, is_decisive = 0;
      while (next_field(f.data, f.len, &rule_pos, &r)) {
        if (r.field == kRuleId && r.type == 2 && r.len == strlen(rule_id) &&
            memcmp(r.data, rule_id, r.len) == 0) {
          is_rule = 1;
        }
        if (r.field == kRuleDecisive && r.type == 0) is_decisive = r.number != 0;
      }
      if (is_rule && is_decisive) *decisive = 1;
    }
  }
  return outcome;
}

/* Example 1's petit larceny encounter, written field by field in the wire
** format (divert.v1.Encounter); the person is on supervision when
** `on_supervision`. */
static wire petit_larceny_binary(int on_supervision) {
  wire encounter, occurred_at, person, needs, charge, circumstances;
  memset(&encounter, 0, sizeof encounter);
  occurred_at = person = needs = charge = circumstances = encounter;

  wire_string(&encounter, 1, "capi-binary"); /* encounter_id */
  wire_uint(&occurred_at, 1, 1513264800);    /* 2017-12-14T15:20:00Z */
  wire_message(&encounter, 2, &occurred_at);
  wire_uint(&encounter, 4, 1); /* pathway: ARREST_DIVERSION */
  wire_uint(&needs, 2, 1);     /* drugs */
  wire_uint(&needs, 4, 1);     /* homelessness */
  wire_message(&person, 10, &needs);
  wire_message(&encounter, 5, &person);
  wire_string(&charge, 1, "PL 155.25"); /* statute_code */
  wire_message(&encounter, 6, &charge);
  wire_uint(&circumstances, 1, 0);              /* victim_present */
  wire_uint(&circumstances, 3, 1);              /* able_to_consent */
  wire_uint(&circumstances, 4, 0);              /* imminent_danger */
  wire_uint(&circumstances, 5, on_supervision); /* on_supervision */
  wire_uint(&circumstances, 6, 0);              /* outstanding_warrants */
  wire_uint(&circumstances, 7, 0);              /* exploits_minors_or_others */
  wire_uint(&circumstances, 9, 1);              /* offense_related_to_needs */
  wire_message(&encounter, 7, &circumstances);
  return encounter;
}

/* ---- the checks ---- */

/* Evaluates a JSON encounter into a JSON decision; returns the status and,
** on success, the decision in *decision (to free). */
static int evaluate_json(const divert_policy* policy, const char* encounter,
                         char** decision) {
  size_t len = 4242;
  int status = divert_policy_evaluate(policy, encounter, NT, DIVERT_FORMAT_JSON,
                                      DIVERT_FORMAT_JSON, decision, &len);
  if (status == DIVERT_OK) {
    CHECK(*decision != NULL && len == strlen(*decision));
  } else {
    CHECK(*decision == NULL && len == 0);
  }
  return status;
}

static void test_json_decisions(const divert_policy* policy) {
  char* decision = NULL;

  CHECK(evaluate_json(policy, kPetitLarceny, &decision) == DIVERT_OK);
  CHECK(strcmp(divert_last_error(), "") == 0);
  CHECK(contains(decision, "\"outcome\":\"ELIGIBLE\""));
  CHECK(contains(decision, "\"policyVersion\":\"2017-1\""));
  CHECK(contains(decision, "\"siteId\":\"nyc-example1\""));
  CHECK(contains(decision, "\"decisionId\":\"dec-"));
  CHECK(contains(decision, "\"summary\":\"Eligible for arrest diversion"));
  divert_buffer_free(decision);

  decision = NULL;
  CHECK(evaluate_json(policy, kAssault, &decision) == DIVERT_OK);
  CHECK(contains(decision, "\"outcome\":\"EXCLUDED\""));
  /* The violent-offense exclusion decides, and says so. */
  CHECK(contains(decision,
                 "\"ruleId\":\"exclusion.violent\",\"kind\":\"EXCLUSION\","
                 "\"result\":\"RULE_HOLDS\""));
  CHECK(contains(decision, "\"decisive\":true"));
  CHECK(contains(decision, "PL 120.00"));
  divert_buffer_free(decision);

  decision = NULL;
  CHECK(evaluate_json(policy, kConsentUnknown, &decision) == DIVERT_OK);
  CHECK(contains(decision, "\"outcome\":\"NEEDS_INFORMATION\""));
  CHECK(contains(decision,
                 "\"fieldPath\":\"encounter.circumstances.able_to_consent\""));
  CHECK(contains(decision, "\"question\":\""));
  divert_buffer_free(decision);

  /* Proto field names are read too. */
  decision = NULL;
  CHECK(evaluate_json(policy,
                      "{\"occurred_at\": \"2017-12-14T15:20:00Z\","
                      " \"pathway\": \"SOCIAL_CONTACT\","
                      " \"person\": {\"needs\": {\"poverty\": true}},"
                      " \"circumstances\": {\"on_supervision\": false,"
                      " \"outstanding_warrants\": false}}",
                      &decision) == DIVERT_OK);
  CHECK(contains(decision, "\"outcome\":\"ELIGIBLE\""));
  CHECK(contains(decision, "\"pathway\":\"SOCIAL_CONTACT\""));
  divert_buffer_free(decision);
}

static void test_versions(const divert_policy* policy) {
  char* decision = NULL;
  size_t len = 0;

  /* By date (December 2017): 2017-1, 1 gram at most. */
  CHECK(evaluate_json(policy, kDrugPossession, &decision) == DIVERT_OK);
  CHECK(contains(decision, "\"outcome\":\"EXCLUDED\""));
  CHECK(contains(decision, "\"ruleId\":\"exclusion.drug_quantity\""));
  divert_buffer_free(decision);

  /* Under 2018-1 whatever the date: 2 grams at most. */
  decision = NULL;
  CHECK(divert_policy_evaluate_version(
            policy, kDrugPossession, NT, DIVERT_FORMAT_JSON, DIVERT_FORMAT_JSON,
            "2018-1", &decision, &len) == DIVERT_OK);
  CHECK(contains(decision, "\"outcome\":\"ELIGIBLE\""));
  CHECK(contains(decision, "\"policyVersion\":\"2018-1\""));
  divert_buffer_free(decision);

  /* NULL and "" mean the version in force. */
  decision = NULL;
  CHECK(divert_policy_evaluate_version(policy, kDrugPossession, NT,
                                       DIVERT_FORMAT_JSON, DIVERT_FORMAT_JSON,
                                       "", &decision, NULL) == DIVERT_OK);
  CHECK(contains(decision, "\"policyVersion\":\"2017-1\""));
  divert_buffer_free(decision);

  decision = NULL;
  CHECK(divert_policy_evaluate_version(
            policy, kDrugPossession, NT, DIVERT_FORMAT_JSON, DIVERT_FORMAT_JSON,
            "1999-9", &decision, &len) == DIVERT_ERROR_NOT_FOUND);
  CHECK(decision == NULL && len == 0);
  CHECK(contains(divert_last_error(), "1999-9"));

  /* No version in force on the encounter's date. */
  CHECK(evaluate_json(policy, kBeforeFirstVersion, &decision) ==
        DIVERT_ERROR_NOT_FOUND);
  CHECK(strlen(divert_last_error()) > 0);
}

static void test_binary(const divert_policy* policy) {
  wire encounter = petit_larceny_binary(0);
  wire supervised = petit_larceny_binary(1);
  char* decision = NULL;
  size_t len = 0;
  int decisive = 0;

  /* Binary in, binary out. */
  CHECK(divert_policy_evaluate(policy, (const char*)encounter.data,
                               encounter.len, DIVERT_FORMAT_BINARY,
                               DIVERT_FORMAT_BINARY, &decision,
                               &len) == DIVERT_OK);
  CHECK(decision != NULL && len > 0);
  if (decision != NULL) {
    CHECK(binary_outcome(decision, len, "criterion.offense", &decisive) ==
          kEligible);
    CHECK(decisive);
    CHECK(decision[len] == '\0'); /* still NUL-terminated */
  }
  divert_buffer_free(decision);

  decision = NULL;
  CHECK(divert_policy_evaluate(policy, (const char*)supervised.data,
                               supervised.len, DIVERT_FORMAT_BINARY,
                               DIVERT_FORMAT_BINARY, &decision,
                               &len) == DIVERT_OK);
  if (decision != NULL) {
    CHECK(binary_outcome(decision, len, "review.supervision", &decisive) ==
          kNeedsReview);
    CHECK(decisive);
  }
  divert_buffer_free(decision);

  /* Binary in, JSON out. */
  decision = NULL;
  CHECK(divert_policy_evaluate(policy, (const char*)supervised.data,
                               supervised.len, DIVERT_FORMAT_BINARY,
                               DIVERT_FORMAT_JSON, &decision,
                               &len) == DIVERT_OK);
  CHECK(contains(decision, "\"outcome\":\"NEEDS_REVIEW\""));
  CHECK(contains(decision, "\"reviewBy\":[\"SUPERVISING_AGENCY\"]"));
  CHECK(contains(decision, "\"encounterId\":\"capi-binary\""));
  divert_buffer_free(decision);

  /* JSON in, binary out. */
  decision = NULL;
  CHECK(divert_policy_evaluate(policy, kAssault, NT, DIVERT_FORMAT_JSON,
                               DIVERT_FORMAT_BINARY, &decision,
                               &len) == DIVERT_OK);
  if (decision != NULL) {
    CHECK(binary_outcome(decision, len, "exclusion.violent", &decisive) ==
          kExcluded);
    CHECK(decisive);
  }
  divert_buffer_free(decision);

  /* Binary under a chosen version. */
  decision = NULL;
  CHECK(divert_policy_evaluate_version(
            policy, (const char*)encounter.data, encounter.len,
            DIVERT_FORMAT_BINARY, DIVERT_FORMAT_BINARY, "2018-1", &decision,
            &len) == DIVERT_OK);
  if (decision != NULL) {
    const unsigned char* data = (const unsigned char*)decision;
    size_t pos = 0;
    wire_field f;
    int found = 0;
    while (next_field(data, len, &pos, &f)) {
      if (f.field == kDecisionPolicyVersion && f.type == 2) {
        found = f.len == 6 && memcmp(f.data, "2018-1", 6) == 0;
      }
    }
    CHECK(found);
  }
  divert_buffer_free(decision);
}

static void test_bad_encounters(const divert_policy* policy) {
  char* decision = NULL;
  size_t len = 99;
  static const char garbage[] = {'\x0a', '\x7f', '\x01'};

  /* A wrong value names the field, never the value. */
  CHECK(divert_policy_evaluate(
            policy, "{\"person\": {\"age\": \"Jane Doe\"}}", NT,
            DIVERT_FORMAT_JSON, DIVERT_FORMAT_JSON, &decision,
            &len) == DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(decision == NULL && len == 0);
  CHECK(contains(divert_last_error(), "age"));
  CHECK(!contains(divert_last_error(), "Jane"));

  CHECK(divert_policy_evaluate(policy, "{\"nickname\": \"Jane\"}", NT,
                               DIVERT_FORMAT_JSON, DIVERT_FORMAT_JSON,
                               &decision, &len) ==
        DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(contains(divert_last_error(), "nickname"));

  CHECK(divert_policy_evaluate(policy, "not json", NT, DIVERT_FORMAT_JSON,
                               DIVERT_FORMAT_JSON, &decision,
                               &len) == DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(divert_policy_evaluate(policy, garbage, sizeof garbage,
                               DIVERT_FORMAT_BINARY, DIVERT_FORMAT_JSON,
                               &decision, &len) ==
        DIVERT_ERROR_INVALID_ARGUMENT);

  /* An encounter needs a date and a pathway. */
  CHECK(divert_policy_evaluate(policy, "{}", NT, DIVERT_FORMAT_JSON,
                               DIVERT_FORMAT_JSON, &decision,
                               &len) == DIVERT_ERROR_INVALID_ARGUMENT);

  /* Formats and pointers. */
  CHECK(divert_policy_evaluate(policy, kPetitLarceny, NT, DIVERT_FORMAT_TEXT,
                               DIVERT_FORMAT_JSON, &decision,
                               &len) == DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(divert_policy_evaluate(policy, kPetitLarceny, NT, DIVERT_FORMAT_JSON,
                               42, &decision, &len) ==
        DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(contains(divert_last_error(), "42"));
  CHECK(divert_policy_evaluate(policy, garbage, NT, DIVERT_FORMAT_BINARY,
                               DIVERT_FORMAT_JSON, &decision,
                               &len) == DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(contains(divert_last_error(), "length"));
  CHECK(divert_policy_evaluate(policy, kPetitLarceny, NT, DIVERT_FORMAT_JSON,
                               DIVERT_FORMAT_BINARY, &decision, NULL) ==
        DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(divert_policy_evaluate(NULL, kPetitLarceny, NT, DIVERT_FORMAT_JSON,
                               DIVERT_FORMAT_JSON, &decision, &len) ==
        DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(contains(divert_last_error(), "policy"));
  CHECK(divert_policy_evaluate(policy, NULL, 0, DIVERT_FORMAT_JSON,
                               DIVERT_FORMAT_JSON, &decision, &len) ==
        DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(divert_policy_evaluate(policy, kPetitLarceny, NT, DIVERT_FORMAT_JSON,
                               DIVERT_FORMAT_JSON, NULL, &len) ==
        DIVERT_ERROR_INVALID_ARGUMENT);

  /* The next successful call clears the last error. */
  CHECK(evaluate_json(policy, kPetitLarceny, &decision) == DIVERT_OK);
  CHECK(strcmp(divert_last_error(), "") == 0);
  divert_buffer_free(decision);
}

/* A policy whose one rule misspells a field, on its line 9. */
static const char* const kBrokenPolicy =
    "site_id: \"broken\"\n"
    "time_zone: \"America/New_York\"\n"
    "versions {\n"
    "  version: \"2024-1\"\n"
    "  approved_on { year: 2024 month: 1 day: 2 }\n"
    "  effective_from { year: 2024 month: 2 day: 1 }\n"
    "  rules {\n"
    "    id: \"exclusion.violent\" kind: EXCLUSION scope: EACH_CHARGE\n"
    "    text: \"Violent offense.\" condition: \"charge.violnt\"\n"
    "  }\n"
    "}\n";

static void test_broken_policies(void) {
  divert_policy* policy = (divert_policy*)&failures; /* set to NULL on error */
  char* issues = NULL;
  size_t len = 0;

  CHECK(divert_policy_compile(kBrokenPolicy, NT, DIVERT_FORMAT_TEXT,
                              &policy) == DIVERT_ERROR_POLICY);
  CHECK(policy == NULL);
  CHECK(contains(divert_last_error(), "exclusion.violent"));
  CHECK(contains(divert_last_error(), "2024-1"));
  CHECK(contains(divert_last_error(), "1:7"));
  CHECK(contains(divert_last_error(), "violnt"));

  CHECK(divert_policy_check(kBrokenPolicy, NT, DIVERT_FORMAT_TEXT, &issues,
                            &len) == DIVERT_OK);
  CHECK(issues != NULL && len == strlen(issues));
  CHECK(contains(issues, "\"rule_id\":\"exclusion.violent\""));
  CHECK(contains(issues, "\"version\":\"2024-1\""));
  CHECK(contains(issues, "\"line\":1,\"column\":7"));
  divert_buffer_free(issues);

  /* A text format syntax error: line:column in the policy text. */
  CHECK(divert_policy_compile("site_id: \"x\"\nversions {\n  version: 7 7\n}\n",
                              NT, DIVERT_FORMAT_TEXT,
                              &policy) == DIVERT_ERROR_POLICY);
  CHECK(contains(divert_last_error(), "3:"));
  CHECK(divert_policy_compile("{\"siteId\": ", NT, DIVERT_FORMAT_JSON,
                              &policy) == DIVERT_ERROR_POLICY);
  CHECK(divert_policy_compile("\xff\xff\xff", 3, DIVERT_FORMAT_BINARY,
                              &policy) == DIVERT_ERROR_POLICY);

  issues = NULL;
  CHECK(divert_policy_check("site_id: \"x\"", NT, 9, &issues, &len) ==
        DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(issues == NULL);
  CHECK(divert_policy_compile(NULL, 0, DIVERT_FORMAT_TEXT, &policy) ==
        DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(divert_policy_compile(kBrokenPolicy, NT, DIVERT_FORMAT_TEXT, NULL) ==
        DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(divert_policy_compile(kBrokenPolicy, NT, 3, &policy) ==
        DIVERT_ERROR_INVALID_ARGUMENT);
  divert_policy_destroy(NULL);
}

static void test_check_a_good_policy(const char* text, size_t text_len) {
  char* issues = NULL;
  size_t len = 0;
  CHECK(divert_policy_check(text, text_len, DIVERT_FORMAT_TEXT, &issues,
                            &len) == DIVERT_OK);
  CHECK(issues != NULL && strcmp(issues, "[]") == 0 && len == 2);
  divert_buffer_free(issues);
}

static void test_fidelity_and_render(const divert_policy* policy) {
  char* out = NULL;
  size_t len = 0;

  CHECK(divert_policy_check_fidelity(policy, DIVERT_FORMAT_JSON, &out, &len) ==
        DIVERT_OK);
  CHECK(out != NULL && len == strlen(out));
  CHECK(contains(out, "\"siteId\":\"nyc-example1\""));
  /* Example 1 keeps to LEAD's non-negotiables: notes only. */
  CHECK(contains(out, "\"severity\":\"NOTE\""));
  CHECK(!contains(out, "VIOLATION"));
  divert_buffer_free(out);

  out = NULL;
  CHECK(divert_policy_check_fidelity(policy, DIVERT_FORMAT_BINARY, &out,
                                     &len) == DIVERT_OK);
  CHECK(out != NULL && len > 0);
  divert_buffer_free(out);
  CHECK(divert_policy_check_fidelity(policy, DIVERT_FORMAT_BINARY, &out,
                                     NULL) == DIVERT_ERROR_INVALID_ARGUMENT);

  out = NULL;
  CHECK(divert_policy_render(policy, NULL, DIVERT_RENDER_MARKDOWN, &out,
                             &len) == DIVERT_OK);
  CHECK(out != NULL && len == strlen(out) && len > 1000);
  CHECK(contains(out, "2018-1"));
  CHECK(contains(out, "PL 155.25"));
  divert_buffer_free(out);

  out = NULL;
  CHECK(divert_policy_render(policy, "2017-1", DIVERT_RENDER_HTML, &out,
                             NULL) == DIVERT_OK);
  CHECK(contains(out, "<html"));
  CHECK(contains(out, "2017-1"));
  divert_buffer_free(out);

  out = NULL;
  CHECK(divert_policy_render(policy, "1999-9", DIVERT_RENDER_HTML, &out,
                             &len) == DIVERT_ERROR_NOT_FOUND);
  CHECK(out == NULL && len == 0);
  CHECK(divert_policy_render(policy, NULL, 2, &out, &len) ==
        DIVERT_ERROR_INVALID_ARGUMENT);

  /* The policy itself, to convert text into JSON and back in. */
  out = NULL;
  CHECK(divert_policy_site_policy(policy, DIVERT_FORMAT_JSON, &out, &len) ==
        DIVERT_OK);
  CHECK(contains(out, "\"siteId\":\"nyc-example1\""));
  if (out != NULL) {
    divert_policy* again = NULL;
    char* decision = NULL;
    CHECK(divert_policy_compile(out, len, DIVERT_FORMAT_JSON, &again) ==
          DIVERT_OK);
    CHECK(evaluate_json(again, kAssault, &decision) == DIVERT_OK);
    CHECK(contains(decision, "\"outcome\":\"EXCLUDED\""));
    divert_buffer_free(decision);
    divert_policy_destroy(again);
  }
  divert_buffer_free(out);

  out = NULL;
  CHECK(divert_policy_site_policy(policy, DIVERT_FORMAT_BINARY, &out, &len) ==
        DIVERT_OK);
  if (out != NULL) {
    divert_policy* again = NULL;
    CHECK(divert_policy_compile(out, len, DIVERT_FORMAT_BINARY, &again) ==
          DIVERT_OK);
    divert_policy_destroy(again);
  }
  divert_buffer_free(out);
}

/* ---- many threads, one policy ---- */

#define THREADS 8
#define ROUNDS 100

typedef struct {
  const divert_policy* policy;
  int bad; /* decisions that were not as expected */
} worker;

static void* evaluate_many(void* arg) {
  worker* self = (worker*)arg;
  const divert_policy* policy = self->policy;
  int bad = 0;
  int i;
  for (i = 0; i < ROUNDS; ++i) {
    const char* encounter = (i % 2 == 0) ? kPetitLarceny : kAssault;
    const char* want = (i % 2 == 0) ? "\"outcome\":\"ELIGIBLE\""
                                    : "\"outcome\":\"EXCLUDED\"";
    char* decision = NULL;
    size_t len = 0;
    if (divert_policy_evaluate(policy, encounter, NT, DIVERT_FORMAT_JSON,
                               DIVERT_FORMAT_JSON, &decision,
                               &len) != DIVERT_OK ||
        strstr(decision, want) == NULL) {
      ++bad;
    }
    divert_buffer_free(decision);
  }
  self->bad = bad;
  return NULL;
}

static void test_threads(const divert_policy* policy) {
  pthread_t threads[THREADS];
  worker workers[THREADS];
  int i;
  for (i = 0; i < THREADS; ++i) {
    workers[i].policy = policy;
    workers[i].bad = -1;
    CHECK(pthread_create(&threads[i], NULL, evaluate_many, &workers[i]) == 0);
  }
  for (i = 0; i < THREADS; ++i) {
    pthread_join(threads[i], NULL);
    CHECK(workers[i].bad == 0);
  }
}

int main(int argc, char** argv) {
  divert_policy* policy = NULL;
  size_t text_len = 0;
  char* text;
  if (argc != 2) {
    fprintf(stderr, "usage: %s examples/policies/example1_new_york.textproto\n",
            argv[0]);
    return 2;
  }
  text = read_file(argv[1], &text_len);
  if (text == NULL) {
    fprintf(stderr, "cannot read %s\n", argv[1]);
    return 2;
  }
  CHECK(divert_policy_compile(text, text_len, DIVERT_FORMAT_TEXT, &policy) ==
        DIVERT_OK);
  if (policy == NULL) {
    fprintf(stderr, "%s does not compile: %s\n", argv[1], divert_last_error());
    free(text);
    return 1;
  }
  test_json_decisions(policy);
  test_versions(policy);
  test_binary(policy);
  test_bad_encounters(policy);
  test_broken_policies();
  test_check_a_good_policy(text, text_len);
  test_fidelity_and_render(policy);
  test_threads(policy);
  divert_policy_destroy(policy);
  free(text);

  if (failures == 0) {
    printf("policy_test: %d checks passed\n", checks);
    return 0;
  }
  fprintf(stderr, "policy_test: %d of %d checks failed\n", failures, checks);
  return 1;
}

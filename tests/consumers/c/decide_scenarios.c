/* decide_scenarios.c — the eligibility scenarios through the C ABI from C.
**
**   decide_scenarios <repository root> <cases.tsv>
**
** cases.tsv comes from tests/consumers/make_cases.py: one scenario of
** tests/eligibility/scenarios.json a line. Each policy is compiled once;
** each encounter is decided and its status, outcome and deciding version
** compared with what the C++ tests expect, and so are the rules it marks
** decisive. Exits 1 on any difference. */
#include <divert/divert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_POLICIES 16
#define MAX_FIELDS 7
#define MAX_RULES 64

struct compiled {
  char path[512];
  divert_policy* policy;
};

static char* read_file(const char* path, size_t* len) {
  FILE* file = fopen(path, "rb");
  char* data = NULL;
  long size;
  if (file == NULL) return NULL;
  if (fseek(file, 0, SEEK_END) == 0 && (size = ftell(file)) >= 0 &&
      fseek(file, 0, SEEK_SET) == 0 && (data = malloc((size_t)size + 1))) {
    if (fread(data, 1, (size_t)size, file) == (size_t)size) {
      data[size] = '\0';
      *len = (size_t)size;
    } else {
      free(data);
      data = NULL;
    }
  }
  fclose(file);
  return data;
}

/* The compiled policy for `relative` (compiled on first use), or NULL. */
static divert_policy* policy_for(const char* root, const char* relative,
                                 struct compiled* policies, int* count) {
  char path[1024];
  char* text;
  size_t len = 0;
  int i;
  for (i = 0; i < *count; ++i) {
    if (strcmp(policies[i].path, relative) == 0) return policies[i].policy;
  }
  if (*count == MAX_POLICIES || strlen(relative) >= sizeof policies[0].path) {
    return NULL;
  }
  snprintf(path, sizeof path, "%s/%s", root, relative);
  text = read_file(path, &len);
  if (text == NULL) {
    fprintf(stderr, "cannot read %s\n", path);
    return NULL;
  }
  strcpy(policies[*count].path, relative);
  if (divert_policy_compile(text, len, DIVERT_FORMAT_TEXT,
                            &policies[*count].policy) != DIVERT_OK) {
    fprintf(stderr, "%s: %s\n", relative, divert_last_error());
    free(text);
    return NULL;
  }
  free(text);
  return policies[(*count)++].policy;
}

/* The value of "key":"..." in a compact JSON object, copied into `out`
** ("" when absent). */
static void json_string(const char* json, const char* key, char* out,
                        size_t out_size) {
  char pattern[64];
  const char* at;
  size_t len;
  snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
  out[0] = '\0';
  at = strstr(json, pattern);
  if (at == NULL) return;
  at += strlen(pattern);
  len = strcspn(at, "\"");
  if (len >= out_size) len = out_size - 1;
  memcpy(out, at, len);
  out[len] = '\0';
}

static int compare_strings(const void* a, const void* b) {
  return strcmp(*(const char* const*)a, *(const char* const*)b);
}

/* The ids of the rules `decision` (compact proto3 JSON) marks decisive,
** sorted and joined with commas into `out`. Each rule's object runs from its
** "ruleId" to the next one. Modifies `decision`. */
static void decisive_rules(char* decision, char* out, size_t out_size) {
  static const char marker[] = "{\"ruleId\":\"";
  char* ids[MAX_RULES];
  size_t count = 0;
  size_t i;
  char* at = strstr(decision, marker);
  while (at != NULL && count < MAX_RULES) {
    char* id = at + strlen(marker);
    char* next = strstr(id, marker);
    char* end = strchr(id, '"');
    char* decisive = strstr(id, "\"decisive\":true");
    if (end != NULL && decisive != NULL && (next == NULL || decisive < next)) {
      *end = '\0';
      ids[count++] = id;
    }
    at = next;
  }
  qsort(ids, count, sizeof ids[0], compare_strings);
  out[0] = '\0';
  for (i = 0; i < count; ++i) {
    if (i > 0) strncat(out, ",", out_size - strlen(out) - 1);
    strncat(out, ids[i], out_size - strlen(out) - 1);
  }
}

int main(int argc, char** argv) {
  struct compiled policies[MAX_POLICIES];
  int policy_count = 0;
  char* cases;
  char* line;
  char* next;
  size_t cases_len = 0;
  int checked = 0;
  int failures = 0;
  int i;

  if (argc != 3) {
    fprintf(stderr, "usage: decide_scenarios <repository root> <cases.tsv>\n");
    return 2;
  }
  cases = read_file(argv[2], &cases_len);
  if (cases == NULL) {
    fprintf(stderr, "cannot read %s\n", argv[2]);
    return 1;
  }
  for (line = cases; line != NULL && *line != '\0'; line = next) {
    char* fields[MAX_FIELDS];
    char* decision = NULL;
    char outcome[64];
    char version[64];
    char decisive[2048];
    divert_policy* policy;
    int expected_status;
    int status;
    int n = 0;

    next = strchr(line, '\n');
    if (next != NULL) *next++ = '\0';
    fields[n++] = line;
    while (n < MAX_FIELDS && (fields[n] = strchr(fields[n - 1], '\t'))) {
      *fields[n]++ = '\0';
      ++n;
    }
    if (n != MAX_FIELDS) {
      fprintf(stderr, "malformed case line %d\n", checked + 1);
      ++failures;
      continue;
    }
    policy = policy_for(argv[1], fields[1], policies, &policy_count);
    if (policy == NULL) {
      ++failures;
      continue;
    }
    expected_status = atoi(fields[2]);
    status = divert_policy_evaluate(policy, fields[6], strlen(fields[6]),
                                    DIVERT_FORMAT_JSON, DIVERT_FORMAT_JSON,
                                    &decision, NULL);
    ++checked;
    if (status != expected_status) {
      fprintf(stderr, "FAIL %s: status %d (%s), expected %d\n", fields[0],
              status, divert_last_error(), expected_status);
      ++failures;
    } else if (status == DIVERT_OK) {
      json_string(decision, "outcome", outcome, sizeof outcome);
      json_string(decision, "policyVersion", version, sizeof version);
      if (strcmp(outcome, fields[3]) != 0 ||
          (strcmp(fields[4], "-") != 0 && strcmp(version, fields[4]) != 0)) {
        fprintf(stderr, "FAIL %s: decided %s under %s, expected %s under %s\n",
                fields[0], outcome, version, fields[3], fields[4]);
        ++failures;
      } else {
        decisive_rules(decision, decisive, sizeof decisive);
        if (strcmp(decisive, fields[5]) != 0) {
          fprintf(stderr, "FAIL %s: decisive rules %s, expected %s\n",
                  fields[0], decisive, fields[5]);
          ++failures;
        }
      }
    }
    divert_buffer_free(decision);
  }
  for (i = 0; i < policy_count; ++i) divert_policy_destroy(policies[i].policy);
  free(cases);
  printf("C: %d scenarios decided, %d as the C++ tests expect\n", checked,
         checked - failures);
  return failures == 0 && checked > 0 ? 0 : 1;
}

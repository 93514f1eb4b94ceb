/* Metrics through the C ABI: compile the shipped LEAD catalog (its path is
** the first argument), compute a report over the SYNTHETIC site in JSON and
** binary, and refuse bad input with a message that says where. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "divert/divert.h"

static int failures = 0;

#define CHECK(cond)                                                  \
  do {                                                               \
    if (!(cond)) {                                                   \
      fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s\n",   \
              __FILE__, __LINE__, #cond, divert_last_error());       \
      ++failures;                                                    \
    }                                                                \
  } while (0)

static char* read_file(const char* path, size_t* len) {
  FILE* f = fopen(path, "rb");
  char* text;
  long size;
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  size = ftell(f);
  fseek(f, 0, SEEK_SET);
  text = malloc((size_t)size + 1);
  if (text != NULL && fread(text, 1, (size_t)size, f) != (size_t)size) {
    free(text);
    text = NULL;
  }
  if (text != NULL) text[size] = '\0';
  fclose(f);
  *len = (size_t)size;
  return text;
}

static const char kRequest[] =
    "{\"period\": {\"start\": {\"year\": 2024, \"month\": 1, \"day\": 1},"
    " \"end\": {\"year\": 2024, \"month\": 6, \"day\": 30}},"
    " \"breakdowns\": [\"RACE_ETHNICITY\", \"PATHWAY\"],"
    " \"metricIds\": [\"referrals_made\", \"caseload_per_case_manager\"]}";

int main(int argc, char** argv) {
  divert_metric_catalog* catalog = NULL;
  divert_metric_catalog* bad = (divert_metric_catalog*)1;
  char* text;
  size_t text_len = 0;
  char* records = NULL;
  size_t records_len = 0;
  char* report = NULL;
  size_t report_len = 0;

  if (argc < 2 || (text = read_file(argv[1], &text_len)) == NULL) {
    fprintf(stderr, "usage: metrics_test lead_catalog.textproto\n");
    return 2;
  }
  CHECK(divert_metric_catalog_compile(text, text_len, DIVERT_FORMAT_TEXT,
                                      &catalog) == DIVERT_OK);
  CHECK(divert_metric_catalog_size(catalog) >= 35);
  CHECK(divert_metric_catalog_size(NULL) == 0);

  /* The synthetic site, in binary, then the report in JSON. */
  CHECK(divert_metrics_synthetic_site(7, 2000, DIVERT_FORMAT_BINARY, &records,
                                      &records_len) == DIVERT_OK);
  CHECK(records != NULL && records_len > 100000);
  CHECK(divert_metric_catalog_compute(
            catalog, records, records_len, DIVERT_FORMAT_BINARY, kRequest,
            DIVERT_NUL_TERMINATED, DIVERT_FORMAT_JSON, DIVERT_FORMAT_JSON,
            &report, &report_len) == DIVERT_OK);
  CHECK(report != NULL && strlen(report) == report_len);
  CHECK(report != NULL && strstr(report, "\"synthetic\":true") != NULL);
  CHECK(report != NULL && strstr(report, "\"id\":\"referrals_made\"") != NULL);
  CHECK(report != NULL && strstr(report, "\"label\":\"ARREST_DIVERSION\"") != NULL);
  CHECK(report != NULL && strstr(report, "owg_attendance_rate") == NULL);

  /* A catalog computes again into the memory of its last computation:
  ** after a smaller site, the first site's report is the same again. */
  {
    char* other = NULL;
    size_t other_len = 0;
    char* other_report = NULL;
    size_t other_report_len = 0;
    char* again = NULL;
    size_t again_len = 0;
    CHECK(divert_metrics_synthetic_site(8, 500, DIVERT_FORMAT_BINARY, &other,
                                        &other_len) == DIVERT_OK);
    CHECK(divert_metric_catalog_compute(
              catalog, other, other_len, DIVERT_FORMAT_BINARY, kRequest,
              DIVERT_NUL_TERMINATED, DIVERT_FORMAT_JSON, DIVERT_FORMAT_JSON,
              &other_report, &other_report_len) == DIVERT_OK);
    CHECK(other_report != NULL &&
          (other_report_len != report_len ||
           memcmp(other_report, report, report_len) != 0));
    CHECK(divert_metric_catalog_compute(
              catalog, records, records_len, DIVERT_FORMAT_BINARY, kRequest,
              DIVERT_NUL_TERMINATED, DIVERT_FORMAT_JSON, DIVERT_FORMAT_JSON,
              &again, &again_len) == DIVERT_OK);
    CHECK(again != NULL && again_len == report_len &&
          memcmp(again, report, report_len) == 0);
    divert_buffer_free(again);
    divert_buffer_free(other_report);
    divert_buffer_free(other);
  }
  divert_buffer_free(report);
  report = NULL;

  /* A request whose period ends before it starts changes nothing. */
  CHECK(divert_metric_catalog_compute(
            catalog, records, records_len, DIVERT_FORMAT_BINARY,
            "{\"period\": {\"start\": {\"year\": 2024, \"month\": 2, \"day\": 1},"
            " \"end\": {\"year\": 2024, \"month\": 1, \"day\": 1}}}",
            DIVERT_NUL_TERMINATED, DIVERT_FORMAT_JSON, DIVERT_FORMAT_JSON,
            &report, &report_len) == DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(report == NULL);
  CHECK(strcmp(divert_last_error(), "period.end is before period.start") == 0);
  divert_buffer_free(records);

  /* A catalog that does not compile names the metric and the problem. */
  CHECK(divert_metric_catalog_compile(
            "metrics { id: \"x\" records: REFERRALS kind: COUNT"
            " filter: \"referral.nope\" }",
            DIVERT_NUL_TERMINATED, DIVERT_FORMAT_TEXT, &bad) ==
        DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(bad == NULL);
  CHECK(strncmp(divert_last_error(), "metric x: filter: ", 18) == 0);
  CHECK(divert_metric_catalog_compile(text, text_len, DIVERT_FORMAT_TEXT, NULL) ==
        DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(divert_metric_catalog_compute(NULL, "", 0, DIVERT_FORMAT_JSON, "", 0,
                                      DIVERT_FORMAT_JSON, DIVERT_FORMAT_JSON,
                                      &report, &report_len) ==
        DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(divert_metrics_synthetic_site(1, -1, DIVERT_FORMAT_JSON, &records,
                                      &records_len) ==
        DIVERT_ERROR_INVALID_ARGUMENT);

  /* Re-arrest against the comparison group, on the synthetic site. */
  CHECK(divert_metrics_synthetic_site(7, 3000, DIVERT_FORMAT_BINARY, &records,
                                      &records_len) == DIVERT_OK);
  CHECK(divert_metrics_evaluate_rearrest(
            records, records_len, DIVERT_FORMAT_BINARY,
            "{\"window\": {\"start\": {\"year\": 2023, \"month\": 1, \"day\": 1},"
            " \"end\": {\"year\": 2023, \"month\": 6, \"day\": 30}}}",
            DIVERT_NUL_TERMINATED, DIVERT_FORMAT_JSON, DIVERT_FORMAT_JSON, &report,
            &report_len) == DIVERT_OK);
  CHECK(report != NULL && strstr(report, "\"reportable\":true") != NULL);
  CHECK(report != NULL && strstr(report, "\"oddsRatio\":") != NULL);
  divert_buffer_free(report);
  report = NULL;
  CHECK(divert_metrics_evaluate_rearrest(
            records, records_len, DIVERT_FORMAT_BINARY,
            "{\"window\": {\"start\": {\"year\": 2023, \"month\": 6, \"day\": 1},"
            " \"end\": {\"year\": 2023, \"month\": 1, \"day\": 1}}}",
            DIVERT_NUL_TERMINATED, DIVERT_FORMAT_JSON, DIVERT_FORMAT_JSON, &report,
            &report_len) == DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(strcmp(divert_last_error(), "window: end is before start") == 0);
  divert_buffer_free(records);

  divert_metric_catalog_destroy(catalog);
  divert_metric_catalog_destroy(NULL);
  free(text);
  if (failures == 0) printf("metrics_test: all checks passed\n");
  return failures == 0 ? 0 : 1;
}

/*
** A plain C99 program that uses divert through its C ABI, linked against
** the shared library: what a C caller sees. Exit code 0 when every check
** passes; each failed check prints its line.
*/
#include <pthread.h>
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

/* Evaluates `program` with `bindings`; returns the status and, on success,
** compares the result with `expected` (when not NULL). */
static int evaluate_expect(const divert_cel_program* program,
                           const char* bindings, const char* expected) {
  char* result = NULL;
  size_t len = 12345;
  int status = divert_cel_program_evaluate(program, bindings, NT, &result, &len);
  if (status == DIVERT_OK) {
    CHECK(result != NULL);
    if (result != NULL) {
      CHECK(len == strlen(result));
      if (expected != NULL && strcmp(result, expected) != 0) {
        ++failures;
        fprintf(stderr, "result %s, expected %s\n", result, expected);
      }
    }
  } else {
    CHECK(result == NULL);
    CHECK(len == 0);
  }
  divert_buffer_free(result);
  return status;
}

/* One-shot unchecked evaluation compared with `expected`. */
static void one_shot(const char* expr, const char* bindings,
                     const char* expected) {
  char* result = NULL;
  size_t len = 0;
  int status = divert_cel_evaluate(expr, NT, bindings, NT, &result, &len);
  ++checks;
  if (status != DIVERT_OK) {
    ++failures;
    fprintf(stderr, "%s: status %d: %s\n", expr, status, divert_last_error());
    return;
  }
  if (strcmp(result, expected) != 0) {
    ++failures;
    fprintf(stderr, "%s: result %s, expected %s\n", expr, result, expected);
  }
  CHECK(len == strlen(result));
  CHECK(strcmp(divert_last_error(), "") == 0);
  divert_buffer_free(result);
}

static void test_version(void) {
  CHECK(divert_version_number() == DIVERT_VERSION_NUMBER);
  CHECK(divert_version_number() ==
        DIVERT_VERSION_MAJOR * 10000 + DIVERT_VERSION_MINOR * 100 +
            DIVERT_VERSION_PATCH);
  CHECK(strcmp(divert_version_string(), DIVERT_VERSION_STRING) == 0);
}

static void test_compile_and_evaluate(void) {
  divert_cel_program* program = NULL;
  char* type = NULL;
  size_t type_len = 0;
  int status = divert_cel_compile(
      "age >= 18 && !(\"felony\" in charges)", NT,
      "{\"age\": \"int\", \"charges\": \"list(string)\"}", NT, &program);
  CHECK(status == DIVERT_OK);
  CHECK(program != NULL);
  CHECK(strcmp(divert_last_error(), "") == 0);
  if (program == NULL) return;

  CHECK(evaluate_expect(program,
                        "{\"age\": 34, \"charges\": [\"misdemeanor\"]}",
                        "{\"value\":true}") == DIVERT_OK);
  CHECK(evaluate_expect(program, "{\"age\": 17, \"charges\": []}",
                        "{\"value\":false}") == DIVERT_OK);
  CHECK(evaluate_expect(program,
                        "{\"age\": \"40\", \"charges\": [\"felony\"]}",
                        "{\"value\":false}") == DIVERT_OK);

  /* A binding of the wrong type names the path, never the value. */
  CHECK(evaluate_expect(program,
                        "{\"age\": \"Jane Doe\", \"charges\": []}", NULL) ==
        DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(divert_last_error(), "bindings.age") != NULL);
  CHECK(strstr(divert_last_error(), "Jane") == NULL);
  CHECK(evaluate_expect(program, "{\"age\": 30, \"charges\": [1]}", NULL) ==
        DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(divert_last_error(), "bindings.charges[0]") != NULL);
  CHECK(evaluate_expect(program, "[1, 2]", NULL) ==
        DIVERT_ERROR_INVALID_ARGUMENT);

  /* The last error is cleared by the next successful call. */
  CHECK(evaluate_expect(program, "{\"age\": 18, \"charges\": []}",
                        "{\"value\":true}") == DIVERT_OK);
  CHECK(strcmp(divert_last_error(), "") == 0);

  CHECK(divert_cel_result_type(program, &type, &type_len) == DIVERT_OK);
  CHECK(type != NULL && strcmp(type, "bool") == 0);
  CHECK(type_len == 4);
  divert_buffer_free(type);

  divert_cel_program_destroy(program);
}

static void test_results(void) {
  one_shot("1 + 2", NULL, "{\"value\":3}");
  one_shot("x * y", "{\"x\": 6, \"y\": 7}", "{\"value\":42}");
  one_shot("x / 2.0", "{\"x\": 3.5}", "{\"value\":1.75}");
  one_shot("2.0", NULL, "{\"value\":2.0}");
  one_shot("9223372036854775807", NULL, "{\"value\":9223372036854775807}");
  one_shot("18446744073709551615u", NULL, "{\"value\":18446744073709551615}");
  one_shot("'a\"b\\n'", NULL, "{\"value\":\"a\\\"b\\n\"}");
  one_shot("b'\\x00\\xff'", NULL, "{\"value\":\"AP8=\"}");
  one_shot("[1, 'two', null, true]", NULL,
           "{\"value\":[1,\"two\",null,true]}");
  one_shot("{'a': 1}", NULL, "{\"value\":{\"a\":1}}");
  one_shot("{1: 'x'}", NULL, "{\"value\":{\"1\":\"x\"}}");
  one_shot("m.k", "{\"m\": {\"k\": [1.5]}}", "{\"value\":[1.5]}");
  one_shot("timestamp('2024-03-14T22:05:00Z')", NULL,
           "{\"value\":\"2024-03-14T22:05:00Z\"}");
  one_shot("duration('1500ms')", NULL, "{\"value\":\"1.5s\"}");
  one_shot("0.0 / 0.0", NULL, "{\"value\":\"NaN\"}");
  one_shot("-1.0 / 0.0", NULL, "{\"value\":\"-Infinity\"}");
}

static void test_messages(void) {
  divert_cel_program* program = NULL;
  int status = divert_cel_compile(
      "encounter.person.age >= 18 && !encounter.charges.exists(c, c.level == "
      "divert.v1.OffenseLevel.FELONY)",
      NT, "{\"encounter\": \"divert.v1.Encounter\"}", NT, &program);
  CHECK(status == DIVERT_OK);
  if (program == NULL) return;
  CHECK(evaluate_expect(
            program,
            "{\"encounter\": {\"person\": {\"age\": 34}, \"charges\": "
            "[{\"level\": \"MISDEMEANOR\"}], \"occurredAt\": "
            "\"2024-03-14T22:05:00Z\"}}",
            "{\"value\":true}") == DIVERT_OK);
  CHECK(evaluate_expect(program,
                        "{\"encounter\": {\"person\": {\"age\": 34}, "
                        "\"charges\": [{\"level\": \"FELONY\"}]}}",
                        "{\"value\":false}") == DIVERT_OK);
  /* A field of the wrong type: its path and type, not its value. */
  CHECK(evaluate_expect(program,
                        "{\"encounter\": {\"person\": {\"age\": \"Smith\"}}}",
                        NULL) == DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(divert_last_error(), "bindings.encounter.person.age") != NULL);
  CHECK(strstr(divert_last_error(), "Smith") == NULL);
  divert_cel_program_destroy(program);
}

static void test_syntax_error(void) {
  divert_cel_program* program = (divert_cel_program*)&program;
  const char* message;
  int status = divert_cel_compile("age >= ", NT, "{\"age\": \"int\"}", NT,
                                  &program);
  CHECK(status == DIVERT_ERROR_SYNTAX);
  CHECK(program == NULL);
  message = divert_last_error();
  CHECK(strstr(message, "<input>:1:") != NULL);
  CHECK(strstr(message, "^") != NULL);
  CHECK(strstr(message, " | age >= ") != NULL);
}

static void test_type_errors(void) {
  divert_cel_program* program = NULL;
  CHECK(divert_cel_compile("agee >= 18", NT, "{\"age\": \"int\"}", NT,
                           &program) == DIVERT_ERROR_TYPE);
  CHECK(program == NULL);
  CHECK(strstr(divert_last_error(), "agee") != NULL);
  CHECK(strstr(divert_last_error(), "^") != NULL);
  CHECK(divert_cel_compile("age + 'x'", NT, "{\"age\": \"int\"}", NT,
                           &program) == DIVERT_ERROR_TYPE);
  CHECK(program == NULL);
  /* No declarations: every identifier is undeclared. */
  CHECK(divert_cel_compile("age > 1", NT, NULL, 0, &program) ==
        DIVERT_ERROR_TYPE);
  /* Malformed declarations are invalid arguments, not type errors. */
  CHECK(divert_cel_compile("age > 1", NT, "{\"age\": \"integer\"}", NT,
                           &program) == DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(divert_last_error(), "age") != NULL);
  CHECK(divert_cel_compile("age > 1", NT, "{\"age\": 5}", NT, &program) ==
        DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(divert_cel_compile("age > 1", NT, "not json", NT, &program) ==
        DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(program == NULL);
}

static void test_check(void) {
  char* issues = NULL;
  size_t len = 0;
  CHECK(divert_cel_check("age >= 18", NT, "{\"age\": \"int\"}", NT, &issues,
                         &len) == DIVERT_OK);
  CHECK(issues != NULL && strcmp(issues, "[]") == 0);
  CHECK(len == 2);
  divert_buffer_free(issues);

  CHECK(divert_cel_check("age >= \n  agee", NT, "{\"age\": \"int\"}", NT,
                         &issues, &len) == DIVERT_OK);
  CHECK(issues != NULL &&
        strstr(issues, "{\"kind\":\"type\",\"line\":2,\"column\":3,") !=
            NULL);
  divert_buffer_free(issues);

  CHECK(divert_cel_check("1 +", NT, NULL, 0, &issues, NULL) == DIVERT_OK);
  CHECK(issues != NULL && strstr(issues, "\"kind\":\"syntax\"") != NULL);
  divert_buffer_free(issues);
}

static void test_evaluation_error(void) {
  char* result = (char*)&result;
  size_t len = 99;
  CHECK(divert_cel_evaluate("1 / 0", NT, NULL, 0, &result, &len) ==
        DIVERT_ERROR_EVALUATION);
  CHECK(result == NULL);
  CHECK(len == 0);
  CHECK(strstr(divert_last_error(), "zero") != NULL);
  CHECK(divert_cel_evaluate("{'a': 1}['b']", NT, NULL, 0, &result, &len) ==
        DIVERT_ERROR_EVALUATION);
  /* Errors absorbed by CEL's logic are not errors. */
  one_shot("false && 1 / 0 == 1", NULL, "{\"value\":false}");
  one_shot("1 / 0 == 1 || true", NULL, "{\"value\":true}");
  /* A syntax error in a one-shot evaluation. */
  CHECK(divert_cel_evaluate("(1", NT, NULL, 0, &result, &len) ==
        DIVERT_ERROR_SYNTAX);
}

static void test_invalid_arguments(void) {
  divert_cel_program* program = NULL;
  char* result = NULL;
  CHECK(divert_cel_compile(NULL, 0, NULL, 0, &program) ==
        DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(divert_cel_compile("1", NT, NULL, 0, NULL) ==
        DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(divert_cel_compile("1", NT, NULL, 5, &program) ==
        DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(divert_cel_program_evaluate(NULL, NULL, 0, &result, NULL) ==
        DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(divert_last_error(), "program") != NULL);
  CHECK(divert_cel_evaluate("1", NT, NULL, 0, NULL, NULL) ==
        DIVERT_ERROR_INVALID_ARGUMENT);
  CHECK(divert_cel_result_type(NULL, &result, NULL) ==
        DIVERT_ERROR_INVALID_ARGUMENT);
  /* Lengths are honoured: only "1 + 2" of "1 + 2 + 3" is compiled. */
  CHECK(divert_cel_compile_unchecked("1 + 2 + 3", 5, &program) == DIVERT_OK);
  CHECK(evaluate_expect(program, NULL, "{\"value\":3}") == DIVERT_OK);
  divert_cel_program_destroy(program);
  /* Destroying and freeing NULL do nothing. */
  divert_cel_program_destroy(NULL);
  divert_buffer_free(NULL);
}

/* --- threads ------------------------------------------------------------- */

struct thread_job {
  const divert_cel_program* program;
  int ok;
  char last_error[64];
};

static void* thread_main(void* arg) {
  struct thread_job* job = (struct thread_job*)arg;
  int i;
  job->ok = 1;
  for (i = 0; i < 200; ++i) {
    char bindings[64];
    char expected[64];
    char* result = NULL;
    sprintf(bindings, "{\"x\": %d}", i);
    sprintf(expected, "{\"value\":%d}", i * 2 + 1);
    if (divert_cel_program_evaluate(job->program, bindings, NT, &result,
                                    NULL) != DIVERT_OK ||
        strcmp(result, expected) != 0) {
      job->ok = 0;
    }
    divert_buffer_free(result);
  }
  /* This thread's failure must not show in the main thread's last error. */
  divert_cel_evaluate("1 / 0", NT, NULL, 0, &(char*){NULL}, NULL);
  strncpy(job->last_error, divert_last_error(), sizeof(job->last_error) - 1);
  job->last_error[sizeof(job->last_error) - 1] = '\0';
  return NULL;
}

static void test_threads(void) {
  enum { kThreads = 8 };
  divert_cel_program* program = NULL;
  pthread_t threads[kThreads];
  struct thread_job jobs[kThreads];
  int i;
  CHECK(divert_cel_compile("x * 2 + 1", NT, "{\"x\": \"int\"}", NT,
                           &program) == DIVERT_OK);
  if (program == NULL) return;
  for (i = 0; i < kThreads; ++i) {
    jobs[i].program = program;
    jobs[i].ok = 0;
    jobs[i].last_error[0] = '\0';
    CHECK(pthread_create(&threads[i], NULL, thread_main, &jobs[i]) == 0);
  }
  for (i = 0; i < kThreads; ++i) {
    pthread_join(threads[i], NULL);
    CHECK(jobs[i].ok);
    CHECK(strstr(jobs[i].last_error, "zero") != NULL);
  }
  CHECK(strcmp(divert_last_error(), "") == 0);
  divert_cel_program_destroy(program);
}

int main(void) {
  test_version();
  test_compile_and_evaluate();
  test_results();
  test_messages();
  test_syntax_error();
  test_type_errors();
  test_check();
  test_evaluation_error();
  test_invalid_arguments();
  test_threads();
  printf("capi cel_test: %d checks, %d failed\n", checks, failures);
  return failures == 0 ? 0 : 1;
}

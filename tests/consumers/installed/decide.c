/* decide.c — decides one encounter through the installed C ABI.
**
**   decide_c <policy.textproto> '<encounter JSON>'
**
** Prints the decision's outcome (e.g. "EXCLUDED"), exits 1 on any error. */
#include <divert/divert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char* read_file(const char* path, size_t* len) {
  FILE* file = fopen(path, "rb");
  char* data;
  long size;
  if (file == NULL) return NULL;
  fseek(file, 0, SEEK_END);
  size = ftell(file);
  fseek(file, 0, SEEK_SET);
  data = malloc((size_t)size + 1);
  if (data != NULL && fread(data, 1, (size_t)size, file) != (size_t)size) {
    free(data);
    data = NULL;
  }
  fclose(file);
  if (data != NULL) data[size] = '\0';
  *len = (size_t)size;
  return data;
}

int main(int argc, char** argv) {
  divert_policy* policy = NULL;
  char* text;
  char* decision = NULL;
  size_t text_len = 0;
  const char* outcome;
  int rc;

  if (argc != 3) {
    fprintf(stderr, "usage: decide_c <policy.textproto> <encounter JSON>\n");
    return 2;
  }
  if (divert_version_check(DIVERT_VERSION_NUMBER) != DIVERT_OK) {
    fprintf(stderr, "%s\n", divert_last_error());
    return 1;
  }
  text = read_file(argv[1], &text_len);
  if (text == NULL) {
    fprintf(stderr, "cannot read %s\n", argv[1]);
    return 1;
  }
  rc = divert_policy_compile(text, text_len, DIVERT_FORMAT_TEXT, &policy);
  free(text);
  if (rc != DIVERT_OK) {
    fprintf(stderr, "%s\n", divert_last_error());
    return 1;
  }
  rc = divert_policy_evaluate(policy, argv[2], DIVERT_NUL_TERMINATED,
                              DIVERT_FORMAT_JSON, DIVERT_FORMAT_JSON,
                              &decision, NULL);
  divert_policy_destroy(policy);
  if (rc != DIVERT_OK) {
    fprintf(stderr, "%s\n", divert_last_error());
    return 1;
  }
  /* {"decisionId":"...","outcome":"EXCLUDED",...} */
  outcome = strstr(decision, "\"outcome\":\"");
  if (outcome == NULL) {
    fprintf(stderr, "no outcome in %s\n", decision);
    divert_buffer_free(decision);
    return 1;
  }
  outcome += strlen("\"outcome\":\"");
  printf("%.*s\n", (int)strcspn(outcome, "\""), outcome);
  divert_buffer_free(decision);
  return 0;
}

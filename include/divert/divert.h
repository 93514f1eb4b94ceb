/*
** divert.h — the C interface to the divert library.
**
** divert makes the rules of a LEAD (Law Enforcement Assisted Diversion)
** program executable. This header is its C ABI: plain C99, usable from C,
** from any language with a C foreign-function interface (Python's ctypes,
** Go's cgo, Rust, Java's FFM), and stable across releases of the same major
** version. Link with -ldivert (the shared library libdivert.so).
**
** CONVENTIONS
**
** Status codes. Every function that can fail returns an int status code:
** DIVERT_OK (0) on success, or one of the DIVERT_ERROR_* codes below. The
** numbers are stable: new codes may be added in later versions, none is
** ever renumbered or reused, so treat an unknown non-zero code as an error.
**
** The last error. After a call that returns a status code, divert_last_error()
** gives a human-readable message for the calling thread: "" after success,
** what went wrong after a failure. Messages name positions, variables,
** fields and types, never the data being evaluated (which may identify a
** person).
**
** Text. All text is UTF-8. Inputs are passed as a pointer and a length in
** bytes; a length of DIVERT_NUL_TERMINATED means the text ends at its first
** NUL byte. Optional inputs may be NULL with length 0.
**
** Ownership. The library never keeps a pointer to an input after a call
** returns. Text the library returns through a char** out-parameter is a
** buffer the caller owns: it is NUL-terminated (its length, also returned,
** does not count the NUL) and must be released with divert_buffer_free(),
** never free(). On failure such out-parameters are set to NULL and 0.
** Objects (divert_cel_program, divert_policy) are opaque handles created by
** the library and released with their _destroy function; destroying NULL
** does nothing.
**
** Binary data. Protobuf messages may also cross the interface in their
** binary wire format (DIVERT_FORMAT_BINARY): such inputs are a pointer and
** an explicit length (DIVERT_NUL_TERMINATED is refused, since the bytes may
** contain NUL), and such outputs come back in the same kind of buffer as
** text (still followed by a NUL the length does not count), so their length
** out-parameter is required.
**
** Exceptions and aborts. No C++ exception ever crosses this interface: an
** internal failure, including running out of memory, is reported as
** DIVERT_ERROR_INTERNAL. Passing NULL where a pointer is required is reported
** as DIVERT_ERROR_INVALID_ARGUMENT, not a crash.
**
** Thread safety. Every function may be called from any thread. Handles are
** immutable once created: one divert_cel_program or divert_policy may be
** evaluated from many threads at the same time. The last error is per
** thread.
**
** EXAMPLE
**
**   divert_cel_program* program = NULL;
**   char* result = NULL;
**   size_t result_len = 0;
**   if (divert_cel_compile("age >= 18", DIVERT_NUL_TERMINATED,
**                          "{\"age\": \"int\"}", DIVERT_NUL_TERMINATED,
**                          &program) != DIVERT_OK) {
**     fprintf(stderr, "%s\n", divert_last_error());
**     return 1;
**   }
**   if (divert_cel_program_evaluate(program, "{\"age\": 34}",
**                                   DIVERT_NUL_TERMINATED,
**                                   &result, &result_len) == DIVERT_OK) {
**     printf("%s\n", result);            // {"value":true}
**     divert_buffer_free(result);
**   }
**   divert_cel_program_destroy(program);
*/
#ifndef DIVERT_DIVERT_H_
#define DIVERT_DIVERT_H_

#include <stddef.h>

#include "divert/export.h"
#include "divert/screening/arrow_c.h"
#include "divert/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ========================================================================
** VERSION
**
** DIVERT_VERSION_MAJOR, DIVERT_VERSION_MINOR, DIVERT_VERSION_PATCH and
** DIVERT_VERSION_STRING ("0.1.0") come from divert/version.h, included
** above: they describe the header a program was compiled with.
** DIVERT_VERSION_NUMBER is the same version as one integer.
*/
#define DIVERT_VERSION_NUMBER                                   \
  (DIVERT_VERSION_MAJOR * 10000 + DIVERT_VERSION_MINOR * 100 + \
   DIVERT_VERSION_PATCH)

/*
** The version of the library a program runs with, which may differ from
** the header it was compiled with: major * 10000 + minor * 100 + patch
** (0.1.0 is 100), and the same version as text ("0.1.0"). The string is
** static: do not free it. Neither function can fail or changes the last
** error.
**
**   if (divert_version_number() / 10000 != DIVERT_VERSION_MAJOR) abort();
*/
DIVERT_EXPORT int divert_version_number(void);
DIVERT_EXPORT const char* divert_version_string(void);

/*
** Whether this library can serve a program compiled against the divert.h
** of version `header_version`; pass DIVERT_VERSION_NUMBER. A library serves
** headers of its own major version up to its own minor version (functions
** are only ever added within a major version). Returns DIVERT_OK, or
** DIVERT_ERROR_INVALID_ARGUMENT with both versions in the last error:
**
**   if (divert_version_check(DIVERT_VERSION_NUMBER) != DIVERT_OK) {
**     fprintf(stderr, "%s\n", divert_last_error());
**     // "divert.h 0.2.0 needs libdivert 0.2 or a later 0.x; this is 0.1.0"
**     return 1;
**   }
*/
DIVERT_EXPORT int divert_version_check(int header_version);

/* ========================================================================
** STATUS CODES
**
** Stable numbers: new codes may be added, none is ever renumbered.
*/
/* Success. */
#define DIVERT_OK 0
/* A required pointer was NULL, or an input was malformed: declarations or
** bindings that are not a JSON object, a binding of the wrong type, an
** unknown type name. */
#define DIVERT_ERROR_INVALID_ARGUMENT 1
/* An expression could not be parsed. The last error lists every problem
** with its line, column and a caret under the spot. */
#define DIVERT_ERROR_SYNTAX 2
/* An expression parsed but does not type-check against its declarations
** (an undeclared variable, `age + "x"`, a field the message does not
** have). The last error is formatted as for DIVERT_ERROR_SYNTAX. */
#define DIVERT_ERROR_TYPE 3
/* An input exceeds a limit: an expression's length, nesting depth or
** size, or the size of a policy, encounter, event, log or record batch
** (docs/limits.md lists them). The last error names the input, its size
** and the limit. */
#define DIVERT_ERROR_LIMIT 4
/* Evaluation produced an error value: division by zero, a missing map
** key, an overflow, a variable with no binding. */
#define DIVERT_ERROR_EVALUATION 5
/* Something named does not exist: a policy version label, or a version in
** force on an encounter's date. */
#define DIVERT_ERROR_NOT_FOUND 6
/* A site policy does not compile. The last error lists every issue, one
** per line, each with its version, rule id and line:column where known:
**
**   the policy has 1 problem:
**     version 2024-2, rule exclusion.violent, 1:18: undefined field 'violnt'
**
** divert_policy_check() returns the same issues as JSON. */
#define DIVERT_ERROR_POLICY 7
/* A bug or resource failure inside the library, e.g. out of memory. */
#define DIVERT_ERROR_INTERNAL 99

/* Passed as a length: the text ends at its first NUL byte. */
#define DIVERT_NUL_TERMINATED ((size_t)-1)

/*
** The message of the calling thread's last failed call, or "" when its
** last call succeeded (or it made none). The pointer stays valid until the
** calling thread's next call into divert that returns a status code; copy
** the text to keep it. Never NULL; do not free it.
**
** For DIVERT_ERROR_SYNTAX and DIVERT_ERROR_TYPE the message lists every
** issue, each with the source line and a caret:
**
**   ERROR: <input>:1:9: type error: undeclared reference to 'agee'
**    | age >= agee
**    | ........^
*/
DIVERT_EXPORT const char* divert_last_error(void);

/*
** Releases a buffer the library returned through a char** out-parameter
** (results, issues, type names). NULL is a no-op. Does not change the last
** error. Using free() instead is undefined: the library and the program
** may use different allocators.
*/
DIVERT_EXPORT void divert_buffer_free(void* buffer);

/* ========================================================================
** CEL CONDITIONS
**
** Rule conditions are CEL (Common Expression Language) expressions, e.g.
** `age >= 18 && !("felony" in charges)`.
**
** Declarations. A JSON object mapping each variable to its type in CEL's
** notation:
**
**   {"age": "int", "charges": "list(string)",
**    "encounter": "divert.v1.Encounter", "seen": "google.protobuf.Timestamp"}
**
** Types: bool, int, uint, double, string, bytes, null_type, dyn,
** list(T), map(K, V), google.protobuf.Timestamp, google.protobuf.Duration,
** and the messages and enums of divert.v1 by full name. Enum constants are
** written with their full name in checked expressions
** (`divert.v1.OffenseLevel.FELONY`).
**
** Bindings. A JSON object giving each variable a value, converted as the
** declared type asks (an undeclared variable of an unchecked expression is
** dyn):
**
**   int, uint   integral numbers up to 2^53, or decimal strings
**               ("9223372036854775807") for any value in range
**   double      numbers, or "NaN", "Infinity", "-Infinity"
**   bytes       base64 strings
**   enum        a number or the value's name ("FELONY")
**   Timestamp   RFC 3339 strings ("2024-03-14T22:05:00Z")
**   Duration    "1.5s", "-90s", "1h30m"
**   messages    their proto3 JSON objects
**   dyn         integral numbers become int, other numbers double, arrays
**               lists, objects map(string, dyn)
**
** Members that name no variable of the expression are ignored.
**
** Results. A JSON object, either
**
**   {"value":<json>}           the expression's value, or
**   {"unknown":["attr",...]}   the attributes an undetermined result
**                              depends on (see the Python and C++ APIs;
**                              the C interface marks nothing unknown, so
**                              its results always carry a value).
**
** In <json>, ints and uints are exact JSON numbers (even beyond 2^53),
** doubles always have a '.' or an exponent (2.0, 1e+20; NaN and the
** infinities as the strings "NaN", "Infinity", "-Infinity"), bytes are
** base64 strings, timestamps RFC 3339 strings in UTC, durations "1.5s",
** map keys strings, and messages proto3 JSON objects with the proto field
** names ("occurred_at"). Evaluation errors are not results: they are
** reported as DIVERT_ERROR_EVALUATION.
*/

/* A compiled CEL expression: immutable, safe to evaluate from any number of
** threads at once. */
typedef struct divert_cel_program divert_cel_program;

/*
** Parses and type-checks `expr` against `declarations_json` (NULL or empty
** for no variables) and returns the program in *out, which the caller
** releases with divert_cel_program_destroy().
**
** Errors: DIVERT_ERROR_SYNTAX, DIVERT_ERROR_TYPE or DIVERT_ERROR_LIMIT with
** every issue in the last error (the code is that of the first issue; see
** divert_cel_check() for the issues one by one);
** DIVERT_ERROR_INVALID_ARGUMENT for NULL `expr` or `out`, or malformed
** declarations. On error *out is set to NULL.
*/
DIVERT_EXPORT int divert_cel_compile(const char* expr, size_t expr_len,
                                     const char* declarations_json,
                                     size_t declarations_len,
                                     divert_cel_program** out);

/*
** Like divert_cel_compile() without declarations or type checking: every
** free identifier is a variable of type dyn, and types are checked as the
** program runs. For tools and ad-hoc expressions; rule conditions should
** be compiled checked. Errors: DIVERT_ERROR_SYNTAX, DIVERT_ERROR_LIMIT,
** DIVERT_ERROR_INVALID_ARGUMENT.
*/
DIVERT_EXPORT int divert_cel_compile_unchecked(const char* expr,
                                               size_t expr_len,
                                               divert_cel_program** out);

/* Releases a program. NULL is a no-op. The program must not be in use by
** another thread. Does not change the last error. */
DIVERT_EXPORT void divert_cel_program_destroy(divert_cel_program* program);

/*
** Evaluates `program` with the variables in `bindings_json` (NULL or empty
** for none) and returns the result, as described under "Results" above, in
** *result_json (a buffer for divert_buffer_free()) and its length in
** *result_len (which may be NULL).
**
** Errors: DIVERT_ERROR_EVALUATION when the expression evaluates to an
** error (the last error says which: "division by zero"),
** DIVERT_ERROR_INVALID_ARGUMENT for NULL pointers or bindings that do not
** fit the declarations ("bindings.age: expected an int, got a string").
**
** Thread-safe: many threads may evaluate one program at once.
*/
DIVERT_EXPORT int divert_cel_program_evaluate(const divert_cel_program* program,
                                              const char* bindings_json,
                                              size_t bindings_len,
                                              char** result_json,
                                              size_t* result_len);

/*
** One shot: compiles `expr` unchecked (as divert_cel_compile_unchecked())
** and evaluates it with `bindings_json`, as divert_cel_program_evaluate().
** Errors: those of both.
**
**   divert_cel_evaluate("1 + 2", DIVERT_NUL_TERMINATED, NULL, 0, &r, &n);
**   // r: {"value":3}
*/
DIVERT_EXPORT int divert_cel_evaluate(const char* expr, size_t expr_len,
                                      const char* bindings_json,
                                      size_t bindings_len, char** result_json,
                                      size_t* result_len);

/*
** The type of the program's result in CEL's notation ("bool",
** "list(string)"; "dyn" for an unchecked program), in *type (a buffer for
** divert_buffer_free()) and its length in *type_len (which may be NULL).
** Errors: DIVERT_ERROR_INVALID_ARGUMENT for NULL pointers.
*/
DIVERT_EXPORT int divert_cel_result_type(const divert_cel_program* program,
                                         char** type, size_t* type_len);

/*
** Checks `expr` against `declarations_json` as divert_cel_compile() does,
** and returns the issues found as a JSON array in *issues_json (a buffer
** for divert_buffer_free(); "[]" when the expression compiles) and its
** length in *issues_len (which may be NULL):
**
**   [{"kind":"syntax","line":1,"column":5,"message":"..."}]
**
** "kind" is "syntax", "type" or "limit"; line and column are 1-based
** (column in code points), 0 when unknown. Returns DIVERT_OK whenever the
** check ran, whether or not it found issues; DIVERT_ERROR_INVALID_ARGUMENT
** for NULL pointers or malformed declarations.
*/
DIVERT_EXPORT int divert_cel_check(const char* expr, size_t expr_len,
                                   const char* declarations_json,
                                   size_t declarations_len, char** issues_json,
                                   size_t* issues_len);

/* ========================================================================
** ELIGIBILITY POLICIES
**
** A site policy (divert.v1.SitePolicy, proto/divert/v1/policy.proto) says
** who may be diverted, what excludes, and what needs review, as a history of
** versions approved by the site's Policy Coordinating Group. It is compiled
** once into a divert_policy, which decides encounters (divert.v1.Encounter)
** into decisions (divert.v1.Decision) that name the policy version, the
** outcome, every rule's result and the facts still missing.
**
** Formats. Messages cross this interface in one of three forms:
**
**   DIVERT_FORMAT_TEXT    protobuf text format, the form policies are
**                         written in by hand (examples/policies/); inputs
**                         only, and only for policies
**   DIVERT_FORMAT_JSON    proto3 JSON. Inputs accept both lowerCamelCase
**                         ("occurredAt") and proto ("occurred_at") field
**                         names, and enum values by name or number; outputs
**                         use lowerCamelCase names and enum names, and
**                         leave out fields at their default values
**   DIVERT_FORMAT_BINARY  the protobuf wire format (see "Binary data"
**                         above)
**
** An unknown format number is DIVERT_ERROR_INVALID_ARGUMENT.
**
** Unknown facts. An optional field of an encounter that is not set (e.g.
** circumstances.able_to_consent) is an unknown fact, never a "no": a
** decision that depends on it is NEEDS_INFORMATION and asks for it.
**
** Privacy. Errors and decisions never contain the values of an
** encounter's identifying fields (names, dates of birth, addresses).
**
** EXAMPLE
**
**   divert_policy* policy = NULL;
**   char* decision = NULL;
**   size_t decision_len = 0;
**   if (divert_policy_compile(text, text_len, DIVERT_FORMAT_TEXT,
**                             &policy) != DIVERT_OK) {
**     fprintf(stderr, "%s\n", divert_last_error());  // every issue
**     return 1;
**   }
**   if (divert_policy_evaluate(policy, encounter_json, DIVERT_NUL_TERMINATED,
**                              DIVERT_FORMAT_JSON, DIVERT_FORMAT_JSON,
**                              &decision, &decision_len) == DIVERT_OK) {
**     printf("%s\n", decision);  // {"decisionId":"dec-...","outcome":...}
**     divert_buffer_free(decision);
**   }
**   divert_policy_destroy(policy);
*/

/* Message formats (stable numbers). */
#define DIVERT_FORMAT_TEXT 0
#define DIVERT_FORMAT_JSON 1
#define DIVERT_FORMAT_BINARY 2

/* Document formats for divert_policy_render() (stable numbers). */
#define DIVERT_RENDER_MARKDOWN 0
#define DIVERT_RENDER_HTML 1

/* A compiled site policy: immutable, safe to use from any number of
** threads at once. */
typedef struct divert_policy divert_policy;

/*
** Reads a divert.v1.SitePolicy in `format` (DIVERT_FORMAT_TEXT, _JSON or
** _BINARY) from `data` (`len` bytes; DIVERT_NUL_TERMINATED for text and
** JSON only), checks and compiles every version, and returns the policy in
** *out, which the caller releases with divert_policy_destroy().
**
** Errors: DIVERT_ERROR_POLICY when the policy does not compile — a text or
** JSON syntax error, an unknown field, a condition that does not parse or
** type-check, a duplicate rule id, versions out of order — with every issue
** in the last error (divert_policy_check() gives them one by one);
** DIVERT_ERROR_INVALID_ARGUMENT for NULL `data` or `out`, or an unknown
** format. On error *out is set to NULL.
*/
DIVERT_EXPORT int divert_policy_compile(const char* data, size_t len,
                                        int format, divert_policy** out);

/*
** Compiles a policy as divert_policy_compile() does and returns the issues
** found as a JSON array in *issues_json (a buffer for divert_buffer_free();
** "[]" when the policy compiles) and its length in *issues_len (which may
** be NULL):
**
**   [{"version":"2024-2","rule_id":"exclusion.violent","line":1,
**     "column":18,"message":"undefined field 'violnt'"}]
**
** "version" and "rule_id" are "" when an issue is not about one version or
** rule. "line" and "column" are 1-based, 0 when there is no position: for a
** condition they point into the rule's condition, for a syntax error into
** `data`. Returns DIVERT_OK whenever the check ran, whether or not it found
** issues; DIVERT_ERROR_INVALID_ARGUMENT for NULL pointers or an unknown
** format.
*/
DIVERT_EXPORT int divert_policy_check(const char* data, size_t len, int format,
                                      char** issues_json, size_t* issues_len);

/* Releases a policy. NULL is a no-op. The policy must not be in use by
** another thread. Does not change the last error. */
DIVERT_EXPORT void divert_policy_destroy(divert_policy* policy);

/*
** Decides one encounter: reads a divert.v1.Encounter in `in_format`
** (DIVERT_FORMAT_JSON or DIVERT_FORMAT_BINARY) from `encounter` (`len`
** bytes; DIVERT_NUL_TERMINATED for JSON only), decides it under the version
** in force on its local date (its occurred_at in the site's time zone), and
** returns the divert.v1.Decision in `out_format` (DIVERT_FORMAT_JSON or
** DIVERT_FORMAT_BINARY) in *decision (a buffer for divert_buffer_free())
** and its length in *decision_len (required for binary output).
**
** Errors: DIVERT_ERROR_INVALID_ARGUMENT for NULL pointers, a format that
** is not allowed, input that is not an Encounter in that format (the last
** error names the field, never its value), or an encounter without a date
** or pathway; DIVERT_ERROR_NOT_FOUND when no version of the policy is in
** force on the encounter's date.
**
** Thread-safe: many threads may evaluate one policy at once.
*/
DIVERT_EXPORT int divert_policy_evaluate(const divert_policy* policy,
                                         const char* encounter, size_t len,
                                         int in_format, int out_format,
                                         char** decision,
                                         size_t* decision_len);

/*
** As divert_policy_evaluate(), under the version labelled `version` (a
** NUL-terminated label such as "2018-1") whatever the encounter's date: for
** comparing how versions decide the same encounter. A NULL or empty
** `version` means the version in force, as divert_policy_evaluate().
**
** Errors: those of divert_policy_evaluate(); DIVERT_ERROR_NOT_FOUND when
** the policy has no version `version`.
*/
DIVERT_EXPORT int divert_policy_evaluate_version(
    const divert_policy* policy, const char* encounter, size_t len,
    int in_format, int out_format, const char* version, char** decision,
    size_t* decision_len);

/*
** Checks every version of the policy against LEAD's non-negotiables (no
** exclusions for social contact referrals, an intake deadline of at most 30
** days, caseloads, no time limits, abstinence or mandated treatment, a path
** to review for people on supervision or with warrants, no rule turning on
** race or gender, ...) and returns the divert.v1.FidelityReport in
** `out_format` (DIVERT_FORMAT_JSON or DIVERT_FORMAT_BINARY) in *report (a
** buffer for divert_buffer_free()) and its length in *report_len (required
** for binary output). Each finding has a severity (NOTE, WARNING,
** VIOLATION), a stable code, the version, the rule and the toolkit section.
** A policy with no findings gives an empty report ({"siteId":"..."}).
**
** Errors: DIVERT_ERROR_INVALID_ARGUMENT for NULL pointers or a format that
** is not allowed.
*/
DIVERT_EXPORT int divert_policy_check_fidelity(const divert_policy* policy,
                                               int out_format, char** report,
                                               size_t* report_len);

/*
** Renders one version of the policy as a document for the Policy
** Coordinating Group: its rules in plain language with their conditions
** and citations, parameters, program settings, the offense catalog, and
** what changed from the previous version. `version` is a NUL-terminated
** version label, or NULL (or "") for the newest version. `render_format`
** is DIVERT_RENDER_MARKDOWN (Markdown text) or DIVERT_RENDER_HTML (a
** standalone HTML page). The document comes back in *document (a buffer
** for divert_buffer_free()) and its length in *document_len (which may be
** NULL).
**
** Errors: DIVERT_ERROR_NOT_FOUND when the policy has no version `version`;
** DIVERT_ERROR_INVALID_ARGUMENT for NULL pointers or an unknown
** render_format.
*/
DIVERT_EXPORT int divert_policy_render(const divert_policy* policy,
                                       const char* version, int render_format,
                                       char** document, size_t* document_len);

/*
** The compiled policy itself, a divert.v1.SitePolicy, in `out_format`
** (DIVERT_FORMAT_TEXT, _JSON or _BINARY) in *site_policy (a buffer for
** divert_buffer_free()) and its length in *site_policy_len (required for
** binary output): to read its site id and version labels, or to convert a
** hand-written text policy into JSON or binary. Comments of a text policy
** are not kept.
**
** Errors: DIVERT_ERROR_INVALID_ARGUMENT for NULL pointers or an unknown
** format.
*/
DIVERT_EXPORT int divert_policy_site_policy(const divert_policy* policy,
                                            int out_format, char** site_policy,
                                            size_t* site_policy_len);

/* ========================================================================
** SCREENING
**
** Screening decides every arrest of a table under a policy, column by
** column, for planning ("how many arrests could have been diverted, for
** whom, where?"). A column mapping (divert.v1.ColumnMapping,
** proto/divert/v1/screening.proto; examples/mappings/ has one for NYPD's
** published arrests) says which column feeds which encounter field and
** how the publisher's values translate. Tables cross as streams of record
** batches through the Arrow C Data Interface: struct ArrowSchema,
** ArrowArray and ArrowArrayStream as the Arrow specification defines them
** (divert/screening/arrow_c.h, included above, under the specification's
** own include guards, so Arrow's headers or nanoarrow can be included
** too). No Arrow library is needed on either side.
**
** The result stream has the input's columns followed by dictionary-encoded
** result columns: outcome, policy_version, decisive_rules, missing_facts,
** not_decided, one "rule:<id>" column per rule (HOLDS, DOES_NOT_HOLD,
** UNKNOWN, ERROR, NOT_APPLICABLE), and charge_index for tables with one
** row per charge. Each arrest gets exactly the decision
** divert_policy_evaluate() gives the encounter its row stands for.
**
**   divert_screener* screener = NULL;
**   if (divert_screener_create(policy, mapping, DIVERT_NUL_TERMINATED,
**                              DIVERT_FORMAT_TEXT, &screener) != DIVERT_OK) ...
**   struct ArrowArrayStream results;
**   if (divert_screener_screen(screener, &arrests, &results) != DIVERT_OK) ...
**   ... read results with results.get_next(), then results.release() ...
**   divert_screener_summary(screener, DIVERT_FORMAT_JSON, &summary, NULL);
**   divert_screener_destroy(screener);
*/
/* A policy joined with a column mapping. Not thread-safe: one thread at a
** time, one stream at a time. */
typedef struct divert_screener divert_screener;

/*
** Joins `policy` with the column mapping in `mapping` (`mapping_len`
** bytes; DIVERT_NUL_TERMINATED for text and JSON) in `format`
** (DIVERT_FORMAT_TEXT, _JSON or _BINARY) into a screener in *out, which the
** caller releases with divert_screener_destroy(). The screener keeps its
** own reference to the policy: the policy may be destroyed first.
**
** Errors: DIVERT_ERROR_INVALID_ARGUMENT for NULL pointers, a mapping that
** does not parse (the last error names line:column), a field path that
** divert.v1.Encounter does not have, a field that cannot be fed, a
** translation that is not a value of its field, a missing shape or arrest
** key column. *out is NULL on failure.
*/
DIVERT_EXPORT int divert_screener_create(const divert_policy* policy,
                                         const char* mapping,
                                         size_t mapping_len, int format,
                                         divert_screener** out);

/*
** Screens the record batches of `input` into `output`. Takes `input`:
** its release callback is called by the library (input->release is NULL
** on return, whatever the result). `output` is filled with a stream the
** caller owns and releases with output->release(output); batches are read
** from the input and screened as the caller asks for them with
** output->get_next(), so any number of rows is screened in bounded
** memory. The output stream may outlive the screener.
**
** Errors: DIVERT_ERROR_INVALID_ARGUMENT for NULL pointers, an input
** without a mapped column, with a column of a type divert cannot read, or
** already having a result column; a stream is still being read. Errors
** found while reading come from output->get_next() (a non-zero errno
** code) and output->get_last_error().
*/
DIVERT_EXPORT int divert_screener_screen(divert_screener* screener,
                                         struct ArrowArrayStream* input,
                                         struct ArrowArrayStream* output);

/*
** What every stream screened so far held, a divert.v1.ScreeningSummary
** (rows, arrests, arrests by outcome, values the mapping could not use by
** column), in `out_format` in *summary (a buffer for divert_buffer_free())
** and its length in *summary_len (required for binary output).
**
** Errors: DIVERT_ERROR_INVALID_ARGUMENT for NULL pointers or an unknown
** format.
*/
DIVERT_EXPORT int divert_screener_summary(const divert_screener* screener,
                                          int out_format, char** summary,
                                          size_t* summary_len);

/* Releases a screener. NULL is a no-op. Result streams it made stay
** valid. */
DIVERT_EXPORT void divert_screener_destroy(divert_screener* screener);

/*
** divert_screener_create() and divert_screener_screen() in one call, for
** when the summary is not needed. Errors: those of both.
*/
DIVERT_EXPORT int divert_policy_screen(const divert_policy* policy,
                                       const char* mapping, size_t mapping_len,
                                       int format,
                                       struct ArrowArrayStream* input,
                                       struct ArrowArrayStream* output);

/* ========================================================================
** REFERRAL LIFE CYCLE
**
** After the eligibility decision, LEAD is a process: an offer, a warm
** hand-off or OWG vetting, an intake with consent and a release of
** information, a deadline, participation, and three possible exits. divert
** records it as an append-only log of events (divert.v1.ReferralEvent,
** proto/divert/v1/referral.proto) and derives every referral's state
** (divert.v1.ReferralState) and what is due from that log.
**
** A divert_referrals holds a site's log and the state of every referral,
** judged by the site's program settings (divert.v1.ProgramSettings from
** policy.proto: intake deadline, who may refer, case managers, capacity,
** extensions). Appending an event checks it first: an event that breaks a
** rule is refused with DIVERT_ERROR_REJECTED, the last error starts with
** "rule <id>: " naming the rule (e.g. "rule
** enrolment.requires_consent_and_roi: referral r-7 cannot enrol without
** written consent"; docs/dev/lifecycle-brief.md lists the rules), and
** neither the log nor any state changes.
**
** Messages cross in DIVERT_FORMAT_JSON or DIVERT_FORMAT_BINARY (and
** DIVERT_FORMAT_TEXT for the program settings), as for policies. Dates
** are "YYYY-MM-DD" local days in the time zone given at creation.
**
** A divert_referrals is not thread-safe: use one from one thread at a
** time, or guard it.
**
** EXAMPLE
**
**   divert_referrals* referrals = NULL;
**   divert_referrals_create(settings, DIVERT_NUL_TERMINATED,
**                           DIVERT_FORMAT_TEXT, "America/New_York",
**                           &referrals);
**   if (divert_referrals_append(referrals, event_json, DIVERT_NUL_TERMINATED,
**                               DIVERT_FORMAT_JSON) == DIVERT_ERROR_REJECTED)
**     fprintf(stderr, "%s\n", divert_last_error());  // rule <id>: ...
**   divert_referrals_state(referrals, "r-7", DIVERT_FORMAT_JSON, &state,
**                          &state_len);
**   divert_buffer_free(state);
**   divert_referrals_destroy(referrals);
*/

/* An event breaks a rule of the referral life cycle (a status code, like
** those above). The last error names the rule: "rule <id>: ...". */
#define DIVERT_ERROR_REJECTED 8
/* The event store could not be read or written (an I/O error, a file that
** is not a divert event store, a stored event that does not parse). */
#define DIVERT_ERROR_STORE 9

/* A site's referral log and every referral's state. Not thread-safe. */
typedef struct divert_referrals divert_referrals;

/*
** Creates an empty log judged by `settings`, a divert.v1.ProgramSettings in
** `format` (`len` bytes; DIVERT_NUL_TERMINATED for text and JSON), with
** dates in `time_zone` (an IANA name, NUL-terminated; NULL or "" for UTC).
** The caller releases *out with divert_referrals_destroy().
**
** Errors: DIVERT_ERROR_INVALID_ARGUMENT for NULL `settings` or `out`, an
** unknown format, settings that do not parse, an unknown time zone. On
** error *out is set to NULL.
*/
DIVERT_EXPORT int divert_referrals_create(const char* settings, size_t len,
                                          int format, const char* time_zone,
                                          divert_referrals** out);

/* Releases a log. NULL is a no-op. Does not change the last error. */
DIVERT_EXPORT void divert_referrals_destroy(divert_referrals* referrals);

/*
** Checks one divert.v1.ReferralEvent, in `format` (DIVERT_FORMAT_JSON or
** DIVERT_FORMAT_BINARY) from `event` (`len` bytes), against its referral's
** state and, when it passes, appends it to the log and folds it in.
**
** Errors: DIVERT_ERROR_REJECTED when the event breaks a life-cycle rule;
** DIVERT_ERROR_INVALID_ARGUMENT for NULL pointers, a format that is not
** allowed, input that is not a ReferralEvent, or a malformed event (no
** referral id, no dates, no kind: the last error names the rule too). On
** error nothing changes.
*/
DIVERT_EXPORT int divert_referrals_append(divert_referrals* referrals,
                                          const char* event, size_t len,
                                          int format);

/*
** All or nothing: appends every event of `log`, a divert.v1.ReferralLog in
** `format`, in order, or none of them. The last error of a rejected batch
** starts with the index of the first rejected event: "event 3: rule ...".
** Errors: those of divert_referrals_append().
*/
DIVERT_EXPORT int divert_referrals_append_log(divert_referrals* referrals,
                                              const char* log, size_t len,
                                              int format);

/* How many events the log holds. 0 for NULL. */
DIVERT_EXPORT size_t divert_referrals_event_count(
    const divert_referrals* referrals);

/*
** The divert.v1.ReferralState of the referral `referral_id` (NUL-terminated)
** in `out_format` (DIVERT_FORMAT_JSON or DIVERT_FORMAT_BINARY) in *state (a
** buffer for divert_buffer_free()) and its length in *state_len (required
** for binary output).
**
** Errors: DIVERT_ERROR_NOT_FOUND when the log has no such referral;
** DIVERT_ERROR_INVALID_ARGUMENT for NULL pointers or a format that is not
** allowed.
*/
DIVERT_EXPORT int divert_referrals_state(const divert_referrals* referrals,
                                         const char* referral_id,
                                         int out_format, char** state,
                                         size_t* state_len);

/*
** Every referral's state as a divert.v1.ReferralStates, in the order first
** recorded: as they are now when `as_of` is NULL or "", or as they stood at
** the end of the local day `as_of` ("2024-03-31"). Output as for
** divert_referrals_state().
**
** Errors: DIVERT_ERROR_INVALID_ARGUMENT for NULL pointers, a format that is
** not allowed, or an `as_of` that is not a date.
*/
DIVERT_EXPORT int divert_referrals_states(const divert_referrals* referrals,
                                          const char* as_of, int out_format,
                                          char** states, size_t* states_len);

/*
** What is due or overdue as of the local day `as_of` ("2024-03-31"), with
** the referrals as they stood then: a divert.v1.DueReport listing intakes
** (INTAKE, or EXTENSION_ENDING once extended) and OWG reviews (OWG_REVIEW)
** due within `within_days` days after `as_of` or overdue, by due date.
** Output as for divert_referrals_state().
**
** Errors: DIVERT_ERROR_INVALID_ARGUMENT for NULL pointers, a negative
** `within_days`, a format that is not allowed, or an `as_of` that is not a
** date.
*/
DIVERT_EXPORT int divert_referrals_due(const divert_referrals* referrals,
                                       const char* as_of, int within_days,
                                       int out_format, char** report,
                                       size_t* report_len);

/*
** The whole log as a divert.v1.ReferralLog. Output as for
** divert_referrals_state(). Errors: DIVERT_ERROR_INVALID_ARGUMENT for NULL
** pointers or a format that is not allowed.
*/
DIVERT_EXPORT int divert_referrals_log(const divert_referrals* referrals,
                                       int out_format, char** log,
                                       size_t* log_len);

/* ========================================================================
** CONSENT, DISCLOSURE AND REPORTS
**
** A participant's releases of information (divert.v1.ReleaseOfInformation,
** recorded by roi_signed events, with the elements 42 CFR 2.31 requires)
** decide what of their records may go to whom, for what purpose. The
** functions below share only what a release in force on the date permits:
** everything else is removed, and when nothing may be shared the result is
** a denial with a reason. Purposes are the numbers of
** divert.v1.DisclosurePurpose:
*/
#define DIVERT_PURPOSE_CARE_COORDINATION 1
#define DIVERT_PURPOSE_OPERATIONS_REVIEW 2
#define DIVERT_PURPOSE_PROSECUTORIAL_DECISION 3
#define DIVERT_PURPOSE_EVALUATION 4

/*
** What of referral `referral_id`'s state, as it stood on local day `as_of`
** ("2024-05-20"), may go to `agency` (and, when not NULL or "", only the
** `role` within it) for `purpose`: a divert.v1.Disclosure in `out_format`
** (DIVERT_FORMAT_JSON or DIVERT_FORMAT_BINARY) in *disclosure (a buffer for
** divert_buffer_free()) and its length in *disclosure_len (required for
** binary output). A denial is a result, not an error: "permitted" is false
** and "denialReason" says why.
**
** Errors: DIVERT_ERROR_NOT_FOUND when the log has no such referral on that
** day; DIVERT_ERROR_INVALID_ARGUMENT for NULL pointers, an empty agency, an
** unknown purpose, a bad date or format.
*/
DIVERT_EXPORT int divert_referrals_disclose(const divert_referrals* referrals,
                                            const char* referral_id,
                                            const char* agency,
                                            const char* role, int purpose,
                                            const char* as_of, int out_format,
                                            char** disclosure,
                                            size_t* disclosure_len);

/*
** The same for an eligibility decision about the person of referral
** `referral_id`: the divert.v1.Decision in (`decision`, `decision_len`), in
** `decision_format` (DIVERT_FORMAT_JSON, where DIVERT_NUL_TERMINATED may
** stand for the length, or DIVERT_FORMAT_BINARY), goes to the recipient
** whole when a release in force on `as_of` gives it eligibility
** information for `purpose`, and otherwise not at all: the
** divert.v1.Disclosure is then a denial with a reason. The caller keeps
** ownership of `decision`; the result is a buffer for divert_buffer_free().
**
** Errors: those of divert_referrals_disclose(), and
** DIVERT_ERROR_INVALID_ARGUMENT when `decision` is not a Decision in
** `decision_format`.
*/
DIVERT_EXPORT int divert_referrals_disclose_decision(
    const divert_referrals* referrals, const char* referral_id,
    const char* decision, size_t decision_len, int decision_format,
    const char* agency, const char* role, int purpose, const char* as_of,
    int out_format, char** disclosure, size_t* disclosure_len);

/*
** The Operations Work Group's agenda for the meeting on `meeting`, covering
** what happened since `previous_meeting` and what is due before
** `next_meeting` (all "YYYY-MM-DD"; previous < meeting <= next): referrals
** pending vetting (with the reason), approved (approving sergeant) and
** denied (reason); new referrals; intakes, extensions and reviews due;
** arrests after enrolment and legacy cases awaiting the prosecutor. In
** `out_format` DIVERT_FORMAT_JSON or DIVERT_FORMAT_BINARY it is a
** divert.v1.OwgAgenda; with `markdown` non-zero it is a Markdown document
** instead (and `out_format` is ignored). Result in *agenda (a buffer for
** divert_buffer_free()), its length in *agenda_len (required for binary).
** Referrals are named by id: the log holds no names.
**
** Errors: DIVERT_ERROR_INVALID_ARGUMENT for NULL pointers, dates that are
** not dates or not in order, or a format that is not allowed.
*/
DIVERT_EXPORT int divert_referrals_agenda(const divert_referrals* referrals,
                                          const char* previous_meeting,
                                          const char* meeting,
                                          const char* next_meeting,
                                          int markdown, int out_format,
                                          char** agenda, size_t* agenda_len);

/*
** The participant roster (toolkit V.B) on `as_of` for `agency` (and `role`,
** as for divert_referrals_disclose()) and `purpose`: each participant
** limited to what their consent allows, those about whom nothing may be
** shared counted but not listed. As a divert.v1.Roster in `out_format`, or
** with `csv` non-zero as CSV text (RFC 4180, one header line). Output and
** errors as for divert_referrals_agenda().
*/
DIVERT_EXPORT int divert_referrals_roster(const divert_referrals* referrals,
                                          const char* agency, const char* role,
                                          int purpose, const char* as_of,
                                          int csv, int out_format,
                                          char** roster, size_t* roster_len);

/* ========================================================================
** EVENT STORE
**
** For embedders with no store of their own: an append-only SQLite file
** holding a referral log, one transaction per appended batch, with
** write-ahead logging. A batch is wholly in the file or not at all, even
** when the writing process is killed mid-batch.
**
**   divert_event_store* store = NULL;
**   divert_event_store_open("referrals.db", &store);
**   divert_referrals_load(referrals, store);        // replay what is there
**   divert_referrals_commit(referrals, store, batch, batch_len,
**                           DIVERT_FORMAT_BINARY);  // check, store, apply
**   divert_event_store_close(store);
*/

/* An open event store. Safe to use from several threads at once. */
typedef struct divert_event_store divert_event_store;

/*
** Opens the store at `path` (NUL-terminated), creating it when missing, and
** returns it in *out; release it with divert_event_store_close().
** Errors: DIVERT_ERROR_STORE when the file cannot be opened or is not a
** divert event store; DIVERT_ERROR_INVALID_ARGUMENT for NULL pointers.
*/
DIVERT_EXPORT int divert_event_store_open(const char* path,
                                          divert_event_store** out);

/* Closes a store. NULL is a no-op. Does not change the last error. */
DIVERT_EXPORT void divert_event_store_close(divert_event_store* store);

/*
** Every stored event, in the order appended, as a divert.v1.ReferralLog in
** `out_format` (DIVERT_FORMAT_JSON or DIVERT_FORMAT_BINARY) in *log (a
** buffer for divert_buffer_free()) and its length in *log_len (required
** for binary output). Errors: DIVERT_ERROR_STORE, DIVERT_ERROR_INVALID_ARGUMENT.
*/
DIVERT_EXPORT int divert_event_store_read(const divert_event_store* store,
                                          int out_format, char** log,
                                          size_t* log_len);

/*
** Appends the stored events to an empty `referrals`, checking each as
** divert_referrals_append() does. Errors: DIVERT_ERROR_STORE;
** DIVERT_ERROR_REJECTED when a stored event breaks a rule of these
** settings; DIVERT_ERROR_INVALID_ARGUMENT for NULL pointers or a
** `referrals` that already holds events. On error `referrals` stays empty.
*/
DIVERT_EXPORT int divert_referrals_load(divert_referrals* referrals,
                                        const divert_event_store* store);

/*
** Checks the events of `log` (a divert.v1.ReferralLog in `format`) against
** `referrals`, then stores them in one transaction, then applies them: all
** three or nothing. Errors: those of divert_referrals_append_log(), and
** DIVERT_ERROR_STORE when the store cannot write them (then `referrals` is
** unchanged too).
*/
DIVERT_EXPORT int divert_referrals_commit(divert_referrals* referrals,
                                          divert_event_store* store,
                                          const char* log, size_t len,
                                          int format);

/* ========================================================================
** METRICS
**
** The LEAD logic model's outputs and outcomes as data: a catalog of
** divert.v1.MetricDefinition messages (proto/divert/v1/metrics.proto; the
** shipped catalog is examples/metrics/lead_catalog.textproto) is compiled
** once into a divert_metric_catalog, then computed over a site's records
** (divert.v1.MetricRecords: the referral log, people, encounters, meetings,
** arrests, trainings, benchmark populations) for a divert.v1.MetricRequest
** (a period, up to three breakdowns, published or internal) into a
** divert.v1.MetricReport. Published reports suppress cells describing
** fewer than 11 people (each metric may say otherwise) and a complementary
** cell, so no total reveals a suppressed one.
**
** A compiled catalog is immutable: any number of threads may compute with
** it at once.
**
** EXAMPLE
**
**   divert_metric_catalog* catalog = NULL;
**   char* report = NULL;
**   size_t report_len = 0;
**   if (divert_metric_catalog_compile(text, text_len, DIVERT_FORMAT_TEXT,
**                                     &catalog) != DIVERT_OK) {
**     fprintf(stderr, "%s\n", divert_last_error());  // "metric x: ..."
**     return 1;
**   }
**   if (divert_metric_catalog_compute(
**           catalog, records, records_len, DIVERT_FORMAT_BINARY,
**           "{\"period\": {\"start\": {\"year\": 2024, \"month\": 1, \"day\": 1},"
**           " \"end\": {\"year\": 2024, \"month\": 3, \"day\": 31}},"
**           " \"breakdowns\": [\"RACE_ETHNICITY\"]}",
**           DIVERT_NUL_TERMINATED, DIVERT_FORMAT_JSON, DIVERT_FORMAT_JSON,
**           &report, &report_len) == DIVERT_OK) {
**     printf("%s\n", report);  // {"site": ..., "results": [...]}
**     divert_buffer_free(report);
**   }
**   divert_metric_catalog_destroy(catalog);
*/

typedef struct divert_metric_catalog divert_metric_catalog;

/*
** Compiles a divert.v1.MetricCatalog in `format` (any of the three; `len`
** bytes, DIVERT_NUL_TERMINATED for text and JSON). The caller releases *out
** with divert_metric_catalog_destroy().
**
** Errors: DIVERT_ERROR_INVALID_ARGUMENT for NULL `catalog` or `out`, an
** unknown format, a catalog that does not parse, or one that does not
** compile: the last error then lists every problem, one per line, each
** starting "metric <id>: " (an unknown field, a CEL filter that does not
** type-check with its line:column, a reference to a missing metric, ...).
** On error *out is set to NULL.
*/
DIVERT_EXPORT int divert_metric_catalog_compile(const char* catalog, size_t len,
                                                int format,
                                                divert_metric_catalog** out);

/* Releases a catalog, and the memory it kept from its last computation
** for its next (the largest arrays of that fold: hundreds of megabytes at
** a million referrals). NULL is a no-op. Does not change the last error. */
DIVERT_EXPORT void divert_metric_catalog_destroy(divert_metric_catalog* catalog);

/* How many metrics the catalog defines. 0 for NULL. */
DIVERT_EXPORT size_t divert_metric_catalog_size(
    const divert_metric_catalog* catalog);

/*
** Computes the report for `request` (a divert.v1.MetricRequest in
** `request_format`) over `records` (a divert.v1.MetricRecords in
** `records_format`) and writes it, a divert.v1.MetricReport in `out_format`
** (DIVERT_FORMAT_JSON or DIVERT_FORMAT_BINARY), to *report (a buffer for
** divert_buffer_free()) and its length to *report_len (required for binary
** output).
**
** Errors: DIVERT_ERROR_INVALID_ARGUMENT for NULL pointers, a format that is
** not allowed, input that does not parse, a request without a valid period
** or with more than three breakdowns, an unknown metric id, records whose
** log does not fold (an event without a date, an event of a referral that
** never started: the last error gives the event's index and referral id),
** or a filter that fails while evaluating. On error *report is NULL.
*/
DIVERT_EXPORT int divert_metric_catalog_compute(
    const divert_metric_catalog* catalog, const char* records,
    size_t records_len, int records_format, const char* request,
    size_t request_len, int request_format, int out_format, char** report,
    size_t* report_len);

/*
** The bundled SYNTHETIC site: a divert.v1.MetricRecords of invented people
** and about ten events per referral, the same for the same `seed` and
** `referrals` on every machine, in `out_format` (DIVERT_FORMAT_JSON or
** DIVERT_FORMAT_BINARY) in *records (a buffer for divert_buffer_free()) and
** its length in *records_len (required for binary output). Errors:
** DIVERT_ERROR_INVALID_ARGUMENT for a negative `referrals`, NULL pointers
** or a format that is not allowed.
*/
DIVERT_EXPORT int divert_metrics_synthetic_site(uint64_t seed, int referrals,
                                                int out_format, char** records,
                                                size_t* records_len);

/*
** Re-arrest within a follow-up window (365 days by default) for the people
** enrolled on a referral made in the request's window, against the
** comparison group the records mark: a divert.v1.RearrestEvaluation (rates,
** the odds ratio with its 95% confidence interval, the relative
** reductions, or "too small to report" when a group has fewer than 11
** people) for a divert.v1.EvaluationRequest, in `out_format` (JSON or
** binary) in *evaluation (a buffer for divert_buffer_free()) and its length
** in *evaluation_len (required for binary output). Errors:
** DIVERT_ERROR_INVALID_ARGUMENT for NULL pointers, formats that are not
** allowed, input that does not parse, a window whose end is before its
** start, or records that do not fold.
*/
DIVERT_EXPORT int divert_metrics_evaluate_rearrest(
    const char* records, size_t records_len, int records_format,
    const char* request, size_t request_len, int request_format,
    int out_format, char** evaluation, size_t* evaluation_len);

/* ========================================================================
** METRICS OVER ARROW COLUMNS
**
** The referral log as two tables, as a data scientist holds it, instead of
** ReferralEvent messages: a table of referrals (one row each:
** referral_id, and person_key, precinct, area) and a table of events (one
** row each, in the order recorded: referral_id, occurred_at, kind, and the
** columns of the event's kind). Both cross as Arrow C streams (struct
** ArrowArrayStream, see SCREENING), and are folded in one pass, without a
** message per event, into exactly the report divert_metric_catalog_compute()
** gives for the records they stand for. The columns, their types, and
** what a null means: include/divert/metrics/record_columns.h. In short:
** ids are integers or text (plain or dictionary-encoded; the events' must
** be of the referrals' kind), occurred_at a timestamp (with a time zone:
** dated in the records' time zone) or a date32, kind the event's field
** number in ReferralEvent's oneof (10 eligibility_recorded, 11 offer_made,
** ... 60 exited) or its name.
**
**   struct ArrowArrayStream referrals, events;  // e.g. from pyarrow, nanoarrow
**   ... fill both ...
**   if (divert_metric_catalog_compute_arrow(
**           catalog, NULL, 0, 0, &referrals, &events, request,
**           DIVERT_NUL_TERMINATED, DIVERT_FORMAT_JSON, DIVERT_FORMAT_JSON,
**           &report, NULL) != DIVERT_OK) {
**     fprintf(stderr, "%s\n", divert_last_error());  // "events row 12: ..."
**   }
*/

/*
** Computes the report for `request` (a divert.v1.MetricRequest in
** `request_format`) over a site whose referral log is the `referrals` and
** `events` tables, and whose other records (settings, time zone, people,
** encounters, meetings, arrests, trainings, benchmarks) are `records`, a
** divert.v1.MetricRecords in `records_format` with no events and no
** subjects, or NULL for none. Writes the divert.v1.MetricReport in
** `out_format` (DIVERT_FORMAT_JSON or DIVERT_FORMAT_BINARY) to *report (a
** buffer for divert_buffer_free()) and its length to *report_len (required
** for binary output).
**
** Takes both streams: the library reads each to its end and calls its
** release callback (referrals->release and events->release are NULL on
** return, whatever the result). Nothing the streams hold is kept.
**
** Errors: DIVERT_ERROR_INVALID_ARGUMENT for NULL catalog, streams or
** output pointers, a stream that fails (its own message is given), a
** format that is not allowed, input that does not parse, records with
** events or subjects, a missing required column, a column of a type that
** cannot be read, a null where a value is required, an event of a
** referral the referrals table does not list, a referral listed twice, and
** the errors of divert_metric_catalog_compute(). The last error names the
** table, the column and the row ("events row 12: 'occurred_at' is null"),
** never a value that identifies a person. On error *report is NULL.
*/
DIVERT_EXPORT int divert_metric_catalog_compute_arrow(
    const divert_metric_catalog* catalog, const char* records,
    size_t records_len, int records_format, struct ArrowArrayStream* referrals,
    struct ArrowArrayStream* events, const char* request, size_t request_len,
    int request_format, int out_format, char** report, size_t* report_len);

/*
** As divert_metric_catalog_compute_arrow(), with any of five tables as
** Arrow C streams: `referrals` and `events` (the referral log: both, or
** both NULL for the log in `records`), and `people`, `encounters` and
** `arrests` (a row per PersonRecord, EncounterRecord, ArrestRecord, a
** column per field named as the field is: person_key, race_ethnicity,
** gender, date_of_birth, comparison_group; decision_id, person_key,
** occurred_on, pathway, outcome, precinct, area, agency, officer_id;
** person_key, occurred_on, citation, booked, charged, jail_days,
** lead_eligible, precinct, area). A NULL stream is a table not given: its
** records come from `records`, which must hold none of a table that is
** given. The columns' types: include/divert/metrics/record_columns.h (in
** short: text, dates as date32 or timestamps, enums as their numbers,
** race_ethnicity and gender as a list of numbers a row or one number, bools
** as bool or integers).
**
** Takes every stream that is not NULL: each is read to its end and
** released (its release is NULL on return, whatever the result). Nothing
** the streams hold is kept.
**
** Errors: those of divert_metric_catalog_compute_arrow(), and one stream of
** the referral log without the other, a person listed twice in `people`
** or with a null person_key, and records that hold what a table gives
** ("records: people must be empty when the people table is given"). The
** last error names the table, the column and the row ("people row 3:
** 'person_key' is null"), never a value that identifies a person. On
** error *report is NULL.
*/
DIVERT_EXPORT int divert_metric_catalog_compute_tables(
    const divert_metric_catalog* catalog, const char* records,
    size_t records_len, int records_format, struct ArrowArrayStream* referrals,
    struct ArrowArrayStream* events, struct ArrowArrayStream* people,
    struct ArrowArrayStream* encounters, struct ArrowArrayStream* arrests,
    const char* request, size_t request_len, int request_format,
    int out_format, char** report, size_t* report_len);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DIVERT_DIVERT_H_ */

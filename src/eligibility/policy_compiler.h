// Compiling a SitePolicy: the site's time zone, every version's dates and
// order, parameters, offense catalog and rules. Every problem is collected;
// nothing stops at the first.
#ifndef DIVERT_SRC_ELIGIBILITY_POLICY_COMPILER_H_
#define DIVERT_SRC_ELIGIBILITY_POLICY_COMPILER_H_

#include <memory>
#include <vector>

#include "absl/time/time.h"
#include "divert/eligibility/policy.h"
#include "divert/v1/policy.pb.h"
#include "eligibility/compiled_version.h"

namespace divert::eligibility {

struct CompiledVersions {
  // The site's zone; UTC when the policy names none.
  absl::TimeZone zone = absl::UTCTimeZone();
  // Oldest first, as in the policy.
  std::vector<std::unique_ptr<CompiledVersion>> versions;
};

// Compiles every version of `policy`, which must outlive the result.
// Appends every problem to `issues`; the result is usable only when none
// was found.
CompiledVersions CompileVersions(const v1::SitePolicy& policy,
                                 std::vector<PolicyIssue>* issues);

// The message of the InvalidArgument status for a failed compilation: a
// count, then one issue per line.
std::string DescribeIssues(const std::vector<PolicyIssue>& issues);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_POLICY_COMPILER_H_

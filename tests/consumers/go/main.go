// Command decide_scenarios decides the eligibility scenarios through the C
// ABI from Go, with cgo: only include/divert/divert.h and libdivert.so.
//
//	CGO_LDFLAGS="-L<build> -ldivert -Wl,-rpath,<build>" go build -o decide_scenarios .
//	./decide_scenarios <repository root> <cases.tsv>
//
// cases.tsv comes from tests/consumers/make_cases.py. Each policy is compiled
// once; each encounter is decided and its status, outcome and deciding
// version compared with what the C++ tests expect, and so are the rules it
// marks decisive. Exits 1 on any difference.
package main

/*
#cgo CFLAGS: -I${SRCDIR}/../../../include
#include <stdlib.h>
#include "divert/divert.h"
*/
import "C"

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unsafe"
)

// Policy is a compiled site policy (a divert_policy handle).
type Policy struct{ handle *C.divert_policy }

func lastError() string { return C.GoString(C.divert_last_error()) }

// Compile compiles a policy in protobuf text format.
func Compile(text []byte) (*Policy, error) {
	data := C.CBytes(text)
	defer C.free(data)
	var handle *C.divert_policy
	if status := C.divert_policy_compile((*C.char)(data), C.size_t(len(text)),
		C.DIVERT_FORMAT_TEXT, &handle); status != C.DIVERT_OK {
		return nil, fmt.Errorf("status %d: %s", int(status), lastError())
	}
	return &Policy{handle}, nil
}

// Close releases the policy.
func (p *Policy) Close() { C.divert_policy_destroy(p.handle) }

// Evaluate decides one encounter (proto3 JSON) and returns the status code
// and, when it is DIVERT_OK, the decision as proto3 JSON.
func (p *Policy) Evaluate(encounter string) (int, []byte) {
	data := C.CString(encounter)
	defer C.free(unsafe.Pointer(data))
	var decision *C.char
	var length C.size_t
	status := C.divert_policy_evaluate(p.handle, data, C.size_t(len(encounter)),
		C.DIVERT_FORMAT_JSON, C.DIVERT_FORMAT_JSON, &decision, &length)
	if status != C.DIVERT_OK {
		return int(status), nil
	}
	defer C.divert_buffer_free(unsafe.Pointer(decision))
	return int(status), C.GoBytes(unsafe.Pointer(decision), C.int(length))
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: decide_scenarios <repository root> <cases.tsv>")
		os.Exit(2)
	}
	root := os.Args[1]
	cases, err := os.ReadFile(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	policies := map[string]*Policy{}
	checked, failures := 0, 0
	for _, line := range strings.Split(strings.TrimRight(string(cases), "\n"), "\n") {
		f := strings.SplitN(line, "\t", 7)
		name, policyPath, outcome, version, decisive, encounter := f[0], f[1], f[3], f[4], f[5], f[6]
		expectedStatus, _ := strconv.Atoi(f[2])
		policy, ok := policies[policyPath]
		if !ok {
			text, err := os.ReadFile(filepath.Join(root, policyPath))
			if err == nil {
				policy, err = Compile(text)
			}
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", policyPath, err)
				os.Exit(1)
			}
			policies[policyPath] = policy
		}
		status, decisionJSON := policy.Evaluate(encounter)
		checked++
		if status != expectedStatus {
			fmt.Fprintf(os.Stderr, "FAIL %s: status %d (%s), expected %d\n", name, status,
				lastError(), expectedStatus)
			failures++
			continue
		}
		if status != C.DIVERT_OK {
			continue
		}
		var decision struct {
			Outcome       string `json:"outcome"`
			PolicyVersion string `json:"policyVersion"`
			Rules         []struct {
				RuleID   string `json:"ruleId"`
				Decisive bool   `json:"decisive"`
			} `json:"rules"`
		}
		if err := json.Unmarshal(decisionJSON, &decision); err != nil ||
			decision.Outcome != outcome || (version != "-" && decision.PolicyVersion != version) {
			fmt.Fprintf(os.Stderr, "FAIL %s: decided %s under %s, expected %s under %s\n", name,
				decision.Outcome, decision.PolicyVersion, outcome, version)
			failures++
			continue
		}
		var decisiveRules []string
		for _, rule := range decision.Rules {
			if rule.Decisive {
				decisiveRules = append(decisiveRules, rule.RuleID)
			}
		}
		sort.Strings(decisiveRules)
		if got := strings.Join(decisiveRules, ","); got != decisive {
			fmt.Fprintf(os.Stderr, "FAIL %s: decisive rules %s, expected %s\n", name, got, decisive)
			failures++
		}
	}
	for _, policy := range policies {
		policy.Close()
	}
	fmt.Printf("Go (cgo): %d scenarios decided, %d as the C++ tests expect\n", checked,
		checked-failures)
	if failures > 0 || checked == 0 {
		os.Exit(1)
	}
}

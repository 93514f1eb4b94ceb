// decide.cc — decides one encounter through the installed C++ API.
//
//   decide_cxx <policy.textproto> '<encounter JSON>'
//
// Prints the decision's outcome (e.g. "EXCLUDED"), exits 1 on any error.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "divert/eligibility/policy.h"
#include "divert/v1/decision.pb.h"
#include "divert/v1/encounter.pb.h"
#include "google/protobuf/util/json_util.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: decide_cxx <policy.textproto> <encounter JSON>\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto policy = divert::CompiledPolicy::FromTextFormat(text.str());
  if (!policy.ok()) {
    std::cerr << policy.status() << "\n";
    return 1;
  }
  divert::v1::Encounter encounter;
  auto parsed = google::protobuf::util::JsonStringToMessage(argv[2], &encounter);
  if (!parsed.ok()) {
    std::cerr << parsed.ToString() << "\n";
    return 1;
  }
  auto decision = (*policy)->Evaluate(encounter);
  if (!decision.ok()) {
    std::cerr << decision.status() << "\n";
    return 1;
  }
  std::cout << divert::v1::Outcome_Name(decision->outcome()) << "\n";
  return 0;
}

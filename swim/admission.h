// The application's say on who enters the view: an admission check (the
// part of memberlist's AliveDelegate/MergeDelegate that can refuse a
// peer), called before a member never seen before is admitted and before
// a known one is moved to a new address.
//
// The check is a plain callback, called synchronously inside the Node
// input (HandleDatagram, AddKnownMembers) that brought the news, so runs
// stay deterministic. A refused member is never added: it appears in no
// view, event, gossip, state exchange or digest of this node; each refusal
// is counted in Counters::admissions_vetoed. The member's next
// announcement asks again.
//
//   node->SetAdmissionCheck([](const Applicant& a) {
//     return absl::StartsWith(a.address, "10.1.");  // our subnet only
//   });
#ifndef SWIM_ADMISSION_H_
#define SWIM_ADMISSION_H_

#include <cstdint>
#include <functional>
#include <utility>

#include "absl/strings/string_view.h"
#include "swim/counters.h"
#include "swim/message.h"

namespace swim {

// A member asking to enter the view, as its announcement has it.
struct Applicant {
  absl::string_view name;
  absl::string_view address;
  uint64_t incarnation = 0;
  // The metadata the announcement carried inline; nullptr if none (a map
  // over config.metadata_inline_max_bytes is fetched after admission).
  const Metadata* metadata = nullptr;
};

// True admits. Must not call back into the Node (it is mid-input).
using AdmissionCheck = std::function<bool(const Applicant&)>;

class Admission {
 public:
  explicit Admission(Counters& counters) : counters_(counters) {}

  Admission(const Admission&) = delete;
  Admission& operator=(const Admission&) = delete;

  // Replaces the check; an empty one admits everyone (the default).
  void Set(AdmissionCheck check) { check_ = std::move(check); }

  // Whether `alive`'s member may enter the view (or move to alive.address);
  // a refusal is counted.
  bool Admits(const Alive& alive);

 private:
  Counters& counters_;
  AdmissionCheck check_;
};

}  // namespace swim

#endif  // SWIM_ADMISSION_H_

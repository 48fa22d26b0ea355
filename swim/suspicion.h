// Lifeguard's dynamic suspicion timeout, and the state of one suspicion.
//
// A suspicion starts at a maximum timeout that shrinks toward a minimum as
// independent members confirm it (Lifeguard §4.2; memberlist's formula,
// computed in integers, except that the minimum does not grow with log10 N
// and k is a setting of its own; see Config):
//   min = suspicion_min_intervals × probe_interval
//   max = suspicion_max_mult × min
//   k   = confirmations wanted (0 if N - 2 < k)
//   timeout(c) = max(min, max - (max - min) × log(c + 1) / log(k + 1))
//
// A suspicion also remembers whether the local node has evidence of its
// own (one of its probes of the suspect failed), which decides what
// happens when it expires: declare, or verify first.
//
//   SuspicionTimeouts t =
//       ComputeSuspicionTimeouts(2, 9, 2, 100, absl::Seconds(1));
//   Suspicion s(now, t, "accuser-a");
//   s.Confirm("accuser-b");           // deadline moves earlier
//   if (now >= s.deadline()) DeclareOffline();
#ifndef SWIM_SUSPICION_H_
#define SWIM_SUSPICION_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace swim {

struct SuspicionTimeouts {
  absl::Duration min;
  absl::Duration max;
  int confirmations_wanted = 0;  // k
};

// `member_count` is N, the number of members (including the local one)
// the local node believes available.
SuspicionTimeouts ComputeSuspicionTimeouts(int suspicion_min_intervals,
                                           int suspicion_max_mult,
                                           int confirmations_wanted,
                                           size_t member_count,
                                           absl::Duration probe_interval);

// The timeout after `confirmations` independent confirmations.
absl::Duration SuspicionTimeout(const SuspicionTimeouts& timeouts,
                                int confirmations);

class Suspicion {
 public:
  // A suspicion raised (or first heard of) at `start` from `accuser`, whose
  // accusation is not counted as a confirmation.
  Suspicion(absl::Time start, SuspicionTimeouts timeouts,
            absl::string_view accuser);

  // Counts `accuser` if it has not accused before and fewer than k
  // confirmations are in; returns whether it was counted.
  bool Confirm(absl::string_view accuser);

  // Counts the suspicion as fully confirmed (someone already declared the
  // member OFFLINE): the deadline moves to the minimum timeout.
  void AssumeConfirmed();
  // Moves the deadline to `deadline` (a verification that could not
  // decide: the suspect answered but did not refute).
  void Postpone(absl::Time deadline) { deadline_ = deadline; }

  // One of the local node's own probes of the suspect failed.
  void AddOwnEvidence() { own_evidence_ = true; }
  bool has_own_evidence() const { return own_evidence_; }
  // Expired without own evidence: first a grace period (for the
  // accuser's OFFLINE to arrive), then last probes; returns the failed
  // ones so far.
  int AddFailedVerification() { return ++failed_verifications_; }
  void set_grace_taken() { grace_taken_ = true; }
  bool grace_taken() const { return grace_taken_; }
  void set_verifying(bool verifying) { verifying_ = verifying; }
  bool verifying() const { return verifying_; }

  absl::Time start() const { return start_; }
  absl::Time deadline() const { return deadline_; }
  const SuspicionTimeouts& timeouts() const { return timeouts_; }
  int confirmations() const { return confirmations_; }
  // The most recent counted accuser: named in the Suspect updates this
  // node gossips, so that others can count the confirmation too.
  const std::string& latest_accuser() const { return accusers_.back(); }

 private:
  absl::Time start_;
  absl::Time deadline_;
  SuspicionTimeouts timeouts_;
  int confirmations_ = 0;
  bool own_evidence_ = false;
  bool grace_taken_ = false;
  int failed_verifications_ = 0;
  bool verifying_ = false;
  std::vector<std::string> accusers_;  // at most k + 1, so a vector is fine
};

}  // namespace swim

#endif  // SWIM_SUSPICION_H_

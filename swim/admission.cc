#include "swim/admission.h"

namespace swim {

bool Admission::Admits(const Alive& alive) {
  if (!check_) return true;
  Applicant applicant;
  applicant.name = alive.member;
  applicant.address = alive.address;
  applicant.incarnation = alive.incarnation;
  if (alive.metadata.has_value()) applicant.metadata = &*alive.metadata;
  if (check_(applicant)) return true;
  ++counters_.admissions_vetoed;
  return false;
}

}  // namespace swim

#include "swim/members.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

namespace swim {
namespace {

const Metadata& EmptyMetadata() {
  static const Metadata* const empty = new Metadata();
  return *empty;
}

}  // namespace

static_assert(sizeof(Members::Record) == 64, "a record is one cache line");

Members::Members(absl::string_view local_name, absl::string_view local_address,
                 uint64_t incarnation)
    : index_(0, NameHash{this}, NameEq{this}) {
  const uint32_t id =
      Add(local_name, local_address, Status::kOnline, incarnation);
  (void)id;  // always kLocalId
}

void Members::SetStrings(Record& record, absl::string_view name,
                         absl::string_view address) {
  const size_t name_size = std::min<size_t>(name.size(), kMaxNameBytes);
  const size_t address_size = std::min<size_t>(address.size(), kMaxNameBytes);
  char* out = record.inline_strings;
  if (name_size + address_size > Record::kInlineBytes) {
    record.long_strings = std::make_unique<char[]>(name_size + address_size);
    out = record.long_strings.get();
  } else {
    record.long_strings.reset();
  }
  std::memcpy(out, name.data(), name_size);
  std::memcpy(out + name_size, address.data(), address_size);
  record.name_size = static_cast<uint8_t>(name_size);
  record.address_size = static_cast<uint8_t>(address_size);
}

absl::string_view Members::NameOf(uint32_t id) const {
  const Record& record = records_[id];
  return absl::string_view(record.strings(), record.name_size);
}

absl::string_view Members::AddressOf(uint32_t id) const {
  const Record& record = records_[id];
  return absl::string_view(record.strings() + record.name_size,
                           record.address_size);
}

void Members::CountStatus(Status status, int delta) {
  switch (status) {
    case Status::kOnline:
      online_ += delta;
      break;
    case Status::kSuspect:
      suspect_ += delta;
      break;
    case Status::kOffline:
      offline_ += delta;
      break;
    default:
      break;
  }
}

uint32_t Members::Add(absl::string_view name, absl::string_view address,
                      Status status, uint64_t incarnation) {
  uint32_t id;
  if (!free_ids_.empty()) {
    id = free_ids_.back();
    free_ids_.pop_back();
  } else {
    id = static_cast<uint32_t>(records_.size());
    records_.emplace_back();
  }
  Record& record = records_[id];
  SetStrings(record, name, address);
  record.incarnation = incarnation;
  record.metadata_version = 0;
  record.metadata_size = 0;
  record.holds_empty_metadata = false;
  record.status = status;
  record.offline_reason = OfflineReason::kNone;
  CountStatus(status, +1);
  index_.insert(id);
  return id;
}

void Members::Reserve(size_t members) { index_.reserve(members); }

std::optional<uint32_t> Members::IdOf(absl::string_view name) const {
  auto it = index_.find(name);
  if (it == index_.end()) return std::nullopt;
  return *it;
}

void Members::SetAddress(uint32_t id, absl::string_view address) {
  if (AddressOf(id) == address) return;
  // The name keeps its bytes, so the index needs no update. Copied first:
  // it may live in the very buffer SetStrings rewrites.
  const std::string name(NameOf(id));
  SetStrings(records_[id], name, address);
}

void Members::SetStatus(uint32_t id, Status status, OfflineReason reason) {
  Record& record = records_[id];
  CountStatus(ShownStatus(id), -1);
  CountStatus(status, +1);
  if (record.suspect_hidden) --hidden_suspects_;
  record.status = status;
  record.suspect_hidden = false;
  record.offline_reason =
      status == Status::kOffline ? reason : OfflineReason::kNone;
}

void Members::SetSuspectHidden(uint32_t id, bool hidden) {
  Record& record = records_[id];
  if (record.status != Status::kSuspect || record.suspect_hidden == hidden) {
    return;
  }
  CountStatus(ShownStatus(id), -1);
  record.suspect_hidden = hidden;
  CountStatus(ShownStatus(id), +1);
  if (hidden) {
    ++hidden_suspects_;
  } else {
    --hidden_suspects_;
  }
}

void Members::Forget(uint32_t id) {
  if (id == kLocalId || !InUse(id)) return;
  index_.erase(id);
  metadata_.erase(id);
  CountStatus(ShownStatus(id), -1);
  if (records_[id].suspect_hidden) --hidden_suspects_;
  records_[id] = Record();
  free_ids_.push_back(id);
}

void Members::Announce(uint32_t id, uint64_t version, uint32_t size) {
  Record& record = records_[id];
  if (record.metadata_version != version) record.holds_empty_metadata = false;
  record.metadata_version = version;
  record.metadata_size = size;
}

void Members::SetMetadata(uint32_t id, MetadataEntry entry) {
  Record& record = records_[id];
  if (entry.map.empty() && entry.version == record.metadata_version) {
    metadata_.erase(id);
    record.holds_empty_metadata = true;
    return;
  }
  record.holds_empty_metadata = false;
  metadata_[id] = std::make_unique<MetadataEntry>(std::move(entry));
}

void Members::InstallMetadata(uint32_t id, MetadataEntry entry) {
  Announce(id, entry.version, static_cast<uint32_t>(entry.encoded.size()));
  SetMetadata(id, std::move(entry));
}

const Metadata& Members::HeldMap(uint32_t id) const {
  const MetadataEntry* entry = MetadataOf(id);
  return entry != nullptr ? entry->map : EmptyMetadata();
}

uint64_t Members::HeldMetadataVersion(uint32_t id) const {
  if (const MetadataEntry* entry = MetadataOf(id)) return entry->version;
  const Record& record = records_[id];
  return record.holds_empty_metadata ? record.metadata_version : 0;
}

const Members::MetadataEntry* Members::MetadataOf(uint32_t id) const {
  auto it = metadata_.find(id);
  return it == metadata_.end() ? nullptr : it->second.get();
}

MemberView Members::View(uint32_t id) const {
  const Record& record = records_[id];
  MemberView view;
  view.name = NameOf(id);
  view.address = AddressOf(id);
  view.status = ShownStatus(id);
  view.offline_reason = record.offline_reason;
  view.incarnation = record.incarnation;
  view.announced_metadata_version = record.metadata_version;
  const MetadataEntry* entry = MetadataOf(id);
  view.metadata_version = HeldMetadataVersion(id);
  view.metadata = entry != nullptr ? &entry->map : &EmptyMetadata();
  view.is_local = id == kLocalId;
  return view;
}

std::optional<MemberView> Members::Find(absl::string_view name) const {
  std::optional<uint32_t> id = IdOf(name);
  if (!id.has_value()) return std::nullopt;
  return View(*id);
}

std::vector<MemberView> Members::SortedViews(Status query,
                                             bool with_local) const {
  std::vector<MemberView> views;
  for (uint32_t id = 0; id < records_.size(); ++id) {
    if (!InUse(id) || (id == kLocalId && !with_local)) continue;
    if (!Matches(ShownStatus(id), query)) continue;
    views.push_back(View(id));
  }
  std::sort(
      views.begin(), views.end(),
      [](const MemberView& a, const MemberView& b) { return a.name < b.name; });
  return views;
}

std::vector<MemberView> Members::Others() const {
  return SortedViews(Status::kAll, /*with_local=*/false);
}

std::vector<MemberView> Members::WithStatus(Status query) const {
  return SortedViews(query, /*with_local=*/true);
}

size_t Members::Count(Status query) const {
  size_t count = 0;
  if (Matches(Status::kOnline, query)) count += online_;
  if (Matches(Status::kSuspect, query)) count += suspect_;
  if (Matches(Status::kOffline, query)) count += offline_;
  return count;
}

size_t Members::CountHeld(Status query) const {
  size_t count = Count(query);
  // Hidden suspects are counted as ONLINE; move them back.
  if (Matches(Status::kOnline, query)) count -= hidden_suspects_;
  if (Matches(Status::kSuspect, query)) count += hidden_suspects_;
  return count;
}

}  // namespace swim

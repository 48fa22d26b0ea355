// The local node's view of the cluster: every member it knows, by name and
// by status (in the spirit of the seed library's Members).
//
// Node owns a Members and hands out a const reference; the views it
// returns stay valid until the node next handles an input.
//
//   const Members& members = node->members();
//   MemberView me = members.local();
//   for (const MemberView& m : members.WithStatus(Status::kAvailable))
//     Connect(m.address);
//   if (std::optional<MemberView> b = members.Find("node-b"))
//     Use(b->metadata->at("role"));
//
// Views, counts and events show a suspicion only once it is confirmed
// (ShownStatus); until then the suspect reads ONLINE.
//
// Memory: a member costs a 64-byte record (holding its name and address
// unless they are long) and a 4-byte slot in the name index; non-empty
// metadata, suspicions and queued gossip live in side tables that are empty
// for most members.
#ifndef SWIM_MEMBERS_H_
#define SWIM_MEMBERS_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"
#include "swim/message.h"
#include "swim/status.h"

namespace swim {

// A read-only snapshot of one member.
struct MemberView {
  absl::string_view name;
  absl::string_view address;
  Status status = Status::kUnknown;
  OfflineReason offline_reason = OfflineReason::kNone;
  uint64_t incarnation = 0;
  // The version of `metadata`. The member may have announced a newer one
  // (announced_metadata_version) that is still being fetched.
  uint64_t metadata_version = 0;
  uint64_t announced_metadata_version = 0;
  const Metadata* metadata = nullptr;  // never null; empty if none
  bool is_local = false;
};

class Members {
 public:
  // The id of the local member, always present.
  static constexpr uint32_t kLocalId = 0;

  // A table holding only the local member.
  Members(absl::string_view local_name, absl::string_view local_address,
          uint64_t incarnation);
  Members(const Members&) = delete;
  Members& operator=(const Members&) = delete;

  // ---- Queries. ----

  MemberView local() const { return View(kLocalId); }
  std::optional<MemberView> Find(absl::string_view name) const;
  // Every member but the local one, by name.
  std::vector<MemberView> Others() const;
  // Every member (the local one included) whose status is in `query`, by
  // name.
  std::vector<MemberView> WithStatus(Status query) const;
  // Known members, the local one included.
  size_t size() const { return index_.size(); }
  // Members (the local one included) whose shown status is in `query`.
  size_t Count(Status query) const;
  // The same by the status the protocol holds (a hidden suspect is
  // SUSPECT), for protocol decisions rather than views.
  size_t CountHeld(Status query) const;

  // ---- Maintenance, for swim::Node. ----

  // One member's fixed-size state: one cache line, its name and address
  // included when they fit (as typical "host:port" ones do), so that a
  // lookup by name touches the index and this record only.
  struct Record {
    static constexpr size_t kInlineBytes = 30;

    uint64_t incarnation = 0;
    uint64_t metadata_version = 0;  // announced by the member
    // Name then address, when together longer than kInlineBytes.
    std::unique_ptr<char[]> long_strings;
    uint32_t metadata_size = 0;  // of the announced version, encoded
    Status status = Status::kUnknown;
    OfflineReason offline_reason = OfflineReason::kNone;
    // We hold the announced version's map and it is empty (the common
    // case, which then costs no side-table entry).
    bool holds_empty_metadata = false;
    // SUSPECT, but shown as ONLINE until someone else confirms the
    // suspicion (swim/protocol.md, "A suspicion is shown once confirmed").
    bool suspect_hidden = false;
    uint8_t name_size = 0;  // 0 for a free id (names are never empty)
    uint8_t address_size = 0;
    char inline_strings[kInlineBytes] = {};  // name then address

    const char* strings() const {
      return long_strings != nullptr ? long_strings.get() : inline_strings;
    }
  };

  // The member's metadata map as far as we have it.
  struct MetadataEntry {
    uint64_t version = 0;
    Metadata map;
    std::string encoded;  // EncodeMetadata(map), served to fetchers
  };

  // Adds a member (the name must be new) and returns its id.
  uint32_t Add(absl::string_view name, absl::string_view address, Status status,
               uint64_t incarnation);
  std::optional<uint32_t> IdOf(absl::string_view name) const;
  // Makes room in the index for `members` members in all, so that adding
  // many at once does not rehash over and over.
  void Reserve(size_t members);
  // Ids are below this bound; some may be free.
  uint32_t id_bound() const { return static_cast<uint32_t>(records_.size()); }
  bool InUse(uint32_t id) const {
    return id < records_.size() && records_[id].name_size != 0;
  }
  const Record& record(uint32_t id) const { return records_[id]; }
  Record& mutable_record(uint32_t id) { return records_[id]; }
  absl::string_view NameOf(uint32_t id) const;
  absl::string_view AddressOf(uint32_t id) const;
  void SetAddress(uint32_t id, absl::string_view address);
  // Clears suspect_hidden.
  void SetStatus(uint32_t id, Status status, OfflineReason reason);
  // Hides (or shows) a SUSPECT member's status from views, counts and
  // events; no-op unless the member is SUSPECT.
  void SetSuspectHidden(uint32_t id, bool hidden);
  // The status views, counts and events report: a hidden suspect is
  // ONLINE. The protocol itself works from record(id).status.
  Status ShownStatus(uint32_t id) const {
    const Record& record = records_[id];
    return record.suspect_hidden ? Status::kOnline : record.status;
  }
  // Removes the member; its id may be reused.
  void Forget(uint32_t id);

  // Records the metadata version (and its encoded size) the member
  // announced.
  void Announce(uint32_t id, uint64_t version, uint32_t size);
  // Stores the member's map at entry.version (which must be the announced
  // version for the local member).
  void SetMetadata(uint32_t id, MetadataEntry entry);
  // Announces entry.version at the size of entry.encoded, then stores the
  // map: what learning a member's whole map at once comes to.
  void InstallMetadata(uint32_t id, MetadataEntry entry);
  // nullptr if we hold no non-empty map for the member.
  const MetadataEntry* MetadataOf(uint32_t id) const;
  // The map we hold for the member (empty if none).
  const Metadata& HeldMap(uint32_t id) const;
  // The version of the map we hold; 0 if none.
  uint64_t HeldMetadataVersion(uint32_t id) const;

  MemberView View(uint32_t id) const;

 private:
  // Hash and equality on ids by the names they stand for, so the index
  // stores 4-byte ids and is searched by name.
  struct NameHash {
    using is_transparent = void;
    const Members* members;
    size_t operator()(uint32_t id) const {
      return absl::Hash<absl::string_view>()(members->NameOf(id));
    }
    size_t operator()(absl::string_view name) const {
      return absl::Hash<absl::string_view>()(name);
    }
  };
  struct NameEq {
    using is_transparent = void;
    const Members* members;
    bool operator()(uint32_t a, uint32_t b) const { return a == b; }
    bool operator()(uint32_t a, absl::string_view b) const {
      return members->NameOf(a) == b;
    }
    bool operator()(absl::string_view a, uint32_t b) const {
      return a == members->NameOf(b);
    }
  };

  static void SetStrings(Record& record, absl::string_view name,
                         absl::string_view address);
  void CountStatus(Status status, int delta);
  std::vector<MemberView> SortedViews(Status query, bool with_local) const;

  // A deque: stable growth without a vector's up-to-2x spare capacity.
  std::deque<Record> records_;
  std::vector<uint32_t> free_ids_;
  absl::flat_hash_set<uint32_t, NameHash, NameEq> index_;
  absl::flat_hash_map<uint32_t, std::unique_ptr<MetadataEntry>> metadata_;
  // By shown status; hidden_suspects_ of the online_ are held SUSPECT.
  size_t online_ = 0;
  size_t suspect_ = 0;
  size_t offline_ = 0;
  size_t hidden_suspects_ = 0;
};

}  // namespace swim

#endif  // SWIM_MEMBERS_H_

#include "tools/real_net.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace swim::tools {

RealNet::RealNet(int nodes)
    : nodes_(nodes),
      in_loss_(nodes, 0),
      out_loss_(nodes, 0),
      group_(nodes, 0),
      inbound_cut_(nodes, 0) {}

void RealNet::Partition(const std::vector<std::vector<uint32_t>>& groups) {
  std::fill(group_.begin(), group_.end(), 0);
  for (const std::vector<uint32_t>& g : groups) {
    const uint32_t id = next_group_++;
    for (uint32_t n : g) group_[n] = id;
  }
}

void RealNet::Heal() {
  std::fill(group_.begin(), group_.end(), 0);
  std::fill(inbound_cut_.begin(), inbound_cut_.end(), 0);
  cuts_.clear();
}

void RealNet::ClearFaults() {
  Heal();
  loss_ppm_ = 0;
  std::fill(in_loss_.begin(), in_loss_.end(), 0);
  std::fill(out_loss_.begin(), out_loss_.end(), 0);
}

bool RealNet::Disturbs(uint32_t node) const {
  if (group_[node] != 0 || inbound_cut_[node] != 0 || in_loss_[node] != 0 ||
      out_loss_[node] != 0) {
    return true;
  }
  for (const auto& [a, b] : cuts_) {
    if (a == node || b == node) return true;
  }
  return false;
}

std::string RealNet::NftRuleset(const std::string& prefix, int port) const {
  auto ip = [&](uint32_t n) { return absl::StrCat(prefix, n + 1); };
  auto set_of = [&](const std::vector<uint32_t>& nodes) {
    std::vector<std::string> ips;
    ips.reserve(nodes.size());
    for (uint32_t n : nodes) ips.push_back(ip(n));
    return absl::StrCat("{ ", absl::StrJoin(ips, ", "), " }");
  };
  const std::string udp = absl::StrCat("udp dport ", port, " ");
  auto drop_if = [](uint32_t ppm) {
    return ppm >= 1000000
               ? std::string("drop")
               : absl::StrCat("numgen random mod 1000000 < ", ppm, " drop");
  };
  std::string out = "table inet swimreal {}\nflush table inet swimreal\n";
  absl::StrAppend(&out,
                  "table inet swimreal {\n  chain in {\n"
                  "    type filter hook input priority 0; policy accept;\n");
  // Blocked pairs: across partition sides, and one-way cuts.
  std::vector<std::string> blocked;
  for (uint32_t a = 0; a < static_cast<uint32_t>(nodes_); ++a) {
    for (uint32_t b = 0; b < static_cast<uint32_t>(nodes_); ++b) {
      if (a == b) continue;
      if (group_[a] != group_[b] || cuts_.count({a, b}) != 0 ||
          inbound_cut_[b] != 0) {
        blocked.push_back(absl::StrCat(ip(a), " . ", ip(b)));
      }
    }
  }
  if (!blocked.empty()) {
    absl::StrAppend(&out, "    ip saddr . ip daddr { ",
                    absl::StrJoin(blocked, ", "), " } ", udp, "drop\n");
  }
  // Loss: per receiver, per sender, then everywhere; each an independent
  // draw. A node's datagrams to itself are never lost (it sends none).
  std::map<uint32_t, std::vector<uint32_t>> by_in;
  std::map<uint32_t, std::vector<uint32_t>> by_out;
  for (uint32_t n = 0; n < static_cast<uint32_t>(nodes_); ++n) {
    if (in_loss_[n] != 0) by_in[in_loss_[n]].push_back(n);
    if (out_loss_[n] != 0) by_out[out_loss_[n]].push_back(n);
  }
  for (const auto& [ppm, nodes] : by_in) {
    absl::StrAppend(&out, "    ip daddr ", set_of(nodes), " ", udp,
                    drop_if(ppm), "\n");
  }
  for (const auto& [ppm, nodes] : by_out) {
    absl::StrAppend(&out, "    ip saddr ", set_of(nodes), " ", udp,
                    drop_if(ppm), "\n");
  }
  if (loss_ppm_ != 0) {
    absl::StrAppend(&out, "    ", udp, drop_if(loss_ppm_), "\n");
  }
  absl::StrAppend(&out, "  }\n}\n");
  return out;
}

}  // namespace swim::tools

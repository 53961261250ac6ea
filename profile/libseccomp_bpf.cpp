// What the BPF libseccomp 2.5.4 generates from the rule tree answers (gen_bpf.c): see libseccomp_tree.h.
#include <map>

#include "profile/libseccomp_node.h"

namespace profilegen::profile {

using namespace libseccomp_node;

// The BPF walk (gen_bpf.c): a comparison goes to its sub-level, else to its action, else to the next node; a
// sub-level that decides nothing continues with the next node of the level above.
//
// The accumulator: the generator loads an argument word only when the node's word (or a wider mask) differs from
// what the previous node of the same level left in it (_gen_bpf_node), as if the level were always entered from
// that node. A sub-level that falls through to the next node of its parent's level may have loaded another word.
// _gen_bpf_build_bpf then lays the blocks out depth first (each block's true target before its false one) and
// prepends a reload to a block only when the FIRST block found jumping to it left another state; later jumps
// from elsewhere get no reload and compare whatever the accumulator holds. Layout models that order within the
// syscall's chain; blocks libseccomp shares between syscalls or arches (same code, same targets) may be placed
// from elsewhere first, which is not modelled.
struct LibseccompChains::Acc {
  int word = -1;  // arg * 2 + high word; -1: the syscall number
  uint32_t mask = 0xffffffffu;
  bool operator==(const Acc&) const = default;
  auto operator<=>(const Acc&) const = default;
};

namespace {

using Acc = LibseccompChains::Acc;
// A block: its node with the state the generator assumed there, then the chain of fall-through targets.
using BlockKey = std::vector<std::pair<const Node*, Acc>>;

// The state after a node's block; `reloads`: the block loads its word itself.
Acc After(const Node* n, Acc generated, bool* reloads) {
  const int word = static_cast<int>(ArgRank(n));
  *reloads = word != generated.word || (n->mask & generated.mask) != n->mask;
  if (*reloads) generated = Acc{word, 0xffffffffu};
  generated.mask = n->mask;
  return generated;
}

// The key of the block that follows node `n` (generated with `after`) on its level, or the level's continuation.
BlockKey NextKey(const Node* n, Acc after, const BlockKey& level_cont) {
  if (!n->nxt) return level_cont;
  BlockKey k{{n->nxt, after}};
  k.insert(k.end(), level_cont.begin(), level_cont.end());
  return k;
}

}  // namespace

struct LibseccompChains::Layout {
  std::map<BlockKey, Acc> first_puller_end;  // each block: the state its first jumper leaves
};

void LibseccompChains::Place(const BlockKey& block, Layout& layout) const {
  const Node* n = block.front().first;
  bool reloads = false;
  const Acc after = After(n, block.front().second, &reloads);
  const BlockKey level_cont(block.begin() + 1, block.end());
  for (const bool outcome : {true, false}) {
    const Node* sub = outcome ? n->on_t : n->on_f;
    BlockKey target;
    if (sub) {
      target = {{LevelStart(const_cast<Node*>(sub)), after}};
      const BlockKey cont = NextKey(n, after, level_cont);
      target.insert(target.end(), cont.begin(), cont.end());
    } else if (outcome ? n->has_t : n->has_f) {
      continue;  // an action block
    } else {
      target = NextKey(n, after, level_cont);
      if (target.empty()) continue;  // the default action
    }
    if (layout.first_puller_end.emplace(target, after).second) Place(target, layout);
  }
}

std::optional<Verdict> LibseccompChains::Walk(const Node* level, Acc generated, const BlockKey& cont, Acc& actual,
                                              const Layout& layout, const uint64_t (&args)[6], bool* unsure) const {
  for (const Node* n = LevelStart(const_cast<Node*>(level)); n; n = n->nxt) {
    BlockKey key{{n, generated}};
    key.insert(key.end(), cont.begin(), cont.end());
    bool reloads = false;
    const Acc after = After(n, generated, &reloads);
    if (reloads || actual == generated) {
      actual = after;
    } else {
      auto first = layout.first_puller_end.find(key);
      if (first == layout.first_puller_end.end()) {
        if (unsure) *unsure = true;
      }
      if (first != layout.first_puller_end.end() && first->second != generated) {
        actual = after;  // the layout prepended a reload (and the mask)
      } else if (n->mask != generated.mask) {
        actual.mask &= n->mask;  // the block's AND, applied to whatever the accumulator holds
      }
    }
    generated = after;
    uint32_t a = 0;
    if (actual.word >= 0) {
      const uint64_t arg = actual.word / 2 < 6 ? args[actual.word / 2] : 0;  // libseccomp refuses index 6 and up
      a = ((actual.word & 1) && !arch32_ ? static_cast<uint32_t>(arg >> 32) : static_cast<uint32_t>(arg)) & actual.mask;
    }
    const bool outcome = Holds(n, a);
    const Node* sub = outcome ? n->on_t : n->on_f;
    if (sub) {
      if (auto v = Walk(sub, generated, NextKey(n, generated, cont), actual, layout, args, unsure)) return v;
      continue;
    }
    if (outcome ? n->has_t : n->has_f) return outcome ? n->act_t : n->act_f;
  }
  return std::nullopt;
}

std::optional<Verdict> LibseccompChains::Decide(const uint64_t (&args)[6], bool* unsure) const {
  if (unsure) *unsure = false;
  if (!present_) return std::nullopt;
  if (!chains_) return *action_;
  Layout layout;
  const BlockKey head{{LevelStart(chains_), Acc{}}};
  layout.first_puller_end.emplace(head, Acc{});  // the syscall's own block jumps there
  Place(head, layout);
  Acc actual;  // the syscall number
  return Walk(chains_, Acc{}, {}, actual, layout, args, unsure);
}

}  // namespace profilegen::profile

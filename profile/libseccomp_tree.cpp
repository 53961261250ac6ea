// The model of libseccomp 2.5.4's per-syscall rule tree: see libseccomp_tree.h. The bookkeeping (reference counts,
// level links, which nodes a prune frees) follows the library closely on purpose: which chains survive a prune
// depends on it, and the kernel oracle test demands the same answers as the program libseccomp generates.
#include "profile/libseccomp_tree.h"

#include <algorithm>
#include <map>

#include "profile/effective.h"
#include "profile/libseccomp_node.h"

namespace profilegen::profile {

using namespace libseccomp_node;

namespace {

// Flags of a prune walk (db.c's db_iter_state).
constexpr unsigned kMatch = 0x1, kMatchOnce = 0x2, kExistingDone = 0x10, kAddedDone = 0x20,
                   kExistingPrefix = 0x100, kAddedPrefix = 0x200;
constexpr unsigned kMatchSet = kMatch | kMatchOnce;
constexpr unsigned kRedundant = kMatch | kExistingDone | kAddedPrefix;

}  // namespace

struct LibseccompChains::State {
  unsigned flags = 0;
  Verdict action = kNoAction;
};

namespace {

// libseccomp skips a comparison that cannot fail: MASKED_EQ with a zero mask in the arch's width.
bool Kept(const ArgCondition& c, bool arch32) {
  const uint64_t width = arch32 ? 0xffffffffULL : ~0ULL;
  return c.op != Op::kMaskedEq || (c.value & width) != 0;
}

}  // namespace

std::vector<ArgCondition> LibseccompConditions(std::vector<ArgCondition> conditions, bool arch32) {
  std::vector<ArgCondition> out;
  for (ArgCondition c : conditions) {
    if (!Kept(c, arch32)) continue;
    if (c.op == Op::kMaskedEq) c.value_two &= c.value;
    out.push_back(c);
  }
  std::sort(out.begin(), out.end());
  return out;
}

LibseccompChains::LibseccompChains(bool arch32) : arch32_(arch32) {}
LibseccompChains::~LibseccompChains() = default;

LibseccompChains::Node* LibseccompChains::NewNode() {
  arena_.push_back(std::make_unique<Node>());
  return arena_.back().get();
}

// One rule as a chain (db.c _db_rule_gen_64 / _db_rule_gen_32); *head stays null when no condition is left.
void LibseccompChains::Generate(const std::vector<ArgCondition>& conditions, const Verdict& verdict, Node** head) {
  *head = nullptr;
  // The nodes whose outcome leads to the next argument's chain, and on which outcome.
  std::vector<std::pair<Node*, bool>> open;
  auto link = [&](Node* first) {
    if (open.empty()) {
      *head = Get(first);
    } else {
      for (auto [n, outcome] : open) (outcome ? n->on_t : n->on_f) = Get(first);
    }
  };
  std::vector<ArgCondition> sorted = conditions;
  std::sort(sorted.begin(), sorted.end());
  for (const ArgCondition& c : sorted) {
    if (!Kept(c, arch32_)) continue;
    const uint32_t lo_mask = c.op == Op::kMaskedEq ? static_cast<uint32_t>(c.value) : 0xffffffffu;
    const uint32_t hi_mask = c.op == Op::kMaskedEq ? static_cast<uint32_t>(c.value >> 32) : 0xffffffffu;
    const uint64_t datum = c.op == Op::kMaskedEq ? c.value_two : c.value;
    auto make = [&](bool hi, Cmp cmp) {
      Node* n = NewNode();
      n->arg = c.index;
      n->hi = hi;
      n->cmp = cmp;
      n->orig = c.op;
      n->mask = hi ? hi_mask : lo_mask;
      n->datum = static_cast<uint32_t>(hi ? datum >> 32 : datum) & n->mask;
      n->datum_full = datum;
      return n;
    };
    std::vector<std::pair<Node*, bool>> next;
    if (arch32_) {
      Cmp cmp = Cmp::kEq;
      bool outcome = true;
      switch (c.op) {
        case Op::kEq: break;
        case Op::kMaskedEq: cmp = Cmp::kMaskedEq; break;
        case Op::kNe: outcome = false; break;
        case Op::kGt: cmp = Cmp::kGt; break;
        case Op::kGe: cmp = Cmp::kGe; break;
        case Op::kLt: cmp = Cmp::kGe, outcome = false; break;
        case Op::kLe: cmp = Cmp::kGt, outcome = false; break;
      }
      Node* n = make(false, cmp);
      link(n);
      next = {{n, outcome}};
    } else if (c.op == Op::kEq || c.op == Op::kNe || c.op == Op::kMaskedEq) {
      const Cmp cmp = c.op == Op::kMaskedEq ? Cmp::kMaskedEq : Cmp::kEq;
      Node* high = make(true, cmp);
      Node* low = make(false, cmp);
      high->on_t = Get(low);
      link(high);
      if (c.op == Op::kNe) {
        next = {{high, false}, {low, false}};
      } else {
        next = {{low, true}};
      }
    } else {
      // hi > H; else hi == H and lo >(=) L: GT/GE accept on true, LT/LE on false.
      Node* above = make(true, Cmp::kGt);
      Node* equal = make(true, Cmp::kEq);
      Node* low = make(false, (c.op == Op::kGt || c.op == Op::kLe) ? Cmp::kGt : Cmp::kGe);
      above->on_f = Get(equal);
      equal->on_t = Get(low);
      link(above);
      if (c.op == Op::kGt || c.op == Op::kGe) {
        next = {{above, true}, {low, true}};
      } else {
        next = {{equal, false}, {low, false}};
      }
    }
    open = std::move(next);
  }
  for (auto [n, outcome] : open) {
    (outcome ? n->has_t : n->has_f) = true;
    (outcome ? n->act_t : n->act_f) = verdict;
  }
}

// Drops a reference; a node nobody references leaves its level and releases what it points to (db.c
// _db_node_put). *node becomes a neighbour on the level, or null. Returns how many nodes were freed.
unsigned LibseccompChains::Put(Node** node) {
  Node* n = *node;
  if (!n) return 0;
  unsigned freed = 0;
  if (--n->refs != 0) return 0;
  Node* left = n->prv;
  Node* right = n->nxt;
  Node* on_t = n->on_t;
  Node* on_f = n->on_f;
  if (left) left->nxt = nullptr;
  if (right) right->prv = nullptr;
  if (left) freed += Put(&left);
  if (right) freed += Put(&right);
  if (left) left->nxt = Get(right);
  if (right) right->prv = Get(left);
  *node = left ? left : right;
  freed += PutTree(&on_t);
  freed += PutTree(&on_f);
  n->freed = true;
  n->prv = n->nxt = n->on_t = n->on_f = nullptr;
  return freed + 1;
}

unsigned LibseccompChains::PutTree(Node** tree) {
  unsigned freed = Put(tree);
  if (*tree) freed += CleanLevel(*tree);
  return freed;
}

// Frees a whole level when nothing outside it references its nodes (db.c _db_level_clean).
unsigned LibseccompChains::CleanLevel(Node* node) {
  Node* start = LevelStart(node);
  for (Node* n = start; n; n = n->nxt) {
    const unsigned links = (n->prv ? 1 : 0) + (n->nxt ? 1 : 0);
    if (n->refs > links) return 0;
  }
  unsigned freed = 0;
  Node* n = start;
  while (n) freed += Put(&n);
  return freed;
}

// Takes `node` (and what hangs below it) out of the tree; zombie nodes met on the way go too (db.c
// _db_tree_remove).
unsigned LibseccompChains::Remove(Node** tree, Node* node) {
  if (!tree || !*tree || !node) return 0;
  unsigned freed = 0;
  Node* it = LevelStart(*tree);
  bool found = false;
  do {
    if (it == node) {
      found = true;
      break;
    }
    freed += Remove(&it->on_t, node);
    freed += Remove(&it->on_f, node);
    if (IsZombie(it)) {
      found = true;
      break;
    }
    it = it->nxt;
  } while (it && freed == 0);
  if (!found) return freed;
  if (it == *tree) *tree = it->prv ? it->prv : it->nxt;
  if (it->prv) it->prv->nxt = it->nxt;
  if (it->nxt) it->nxt->prv = it->prv;
  it->prv = nullptr;
  it->nxt = nullptr;
  freed += Put(&it);
  return freed;
}

// Whether any action in the tree differs from `verdict` (db.c _db_tree_act_check, which fails with EEXIST).
bool LibseccompChains::ActionsDiffer(Node* tree, const Verdict& verdict) const {
  if (!tree) return false;
  for (Node* it = LevelStart(tree); it; it = it->nxt) {
    if (it->has_t && it->act_t != verdict) return true;
    if (it->has_f && it->act_f != verdict) return true;
    if (ActionsDiffer(it->on_t, verdict) || ActionsDiffer(it->on_f, verdict)) return true;
  }
  return false;
}

// Removes the parts of the existing tree the added chain makes unnecessary, and finds out whether the added
// chain is itself unnecessary (db.c _db_tree_prune). Returns how many nodes were freed.
unsigned LibseccompChains::Prune(Node** existing, Node* added, State* state) {
  unsigned freed = 0;
  State result = *state;
  Node* x = *existing;
  Node* n = added;
  auto finish = [&]() {
    if (result.flags & kMatch) {
      state->flags |= result.flags;
    } else {
      state->flags &= ~kMatch;
    }
    return freed;
  };
  if (!n || !x) return finish();
  if ((state->flags & kMatchSet) == kMatchOnce) return finish();
  x = LevelStart(x);
  // Recurses into one branch while holding a reference on x; false when x was freed meanwhile.
  auto descend = [&](Node** sub_existing, Node* sub_added, unsigned clear, unsigned set, State* sub) {
    Get(x);
    *sub = *state;
    sub->flags &= ~clear;
    sub->flags |= set;
    freed += Prune(sub_existing, sub_added, sub);
    freed += Put(&x);
    return x != nullptr;
  };
  do {
    Node* x_next = x->nxt;
    bool next_node = false;
    if (SameTest(x, n)) {
      result.flags |= kMatchSet;
      if (IsLeaf(n)) result.flags |= kAddedDone;
      if (IsLeaf(x)) result.flags |= kExistingDone;
      if ((x->has_t || x->on_t) && !(n->has_t || n->on_t)) return finish();
      if ((x->has_f || x->on_f) && !(n->has_f || n->on_f)) return finish();
      if ((result.flags & kAddedDone) && (result.flags & kExistingDone)) {
        if (n->has_t != x->has_t || n->act_t != x->act_t) return finish();
        if (n->has_f != x->has_f || n->act_f != x->act_f) return finish();
      }
      State sub;
      if (n->on_t) {
        const bool alive = descend(&x->on_t, n->on_t, 0, kMatchSet, &sub);
        if (sub.flags & kMatch) result.flags |= sub.flags;
        if (!alive) next_node = true;
      }
      if (!next_node && n->on_f) {
        const bool alive = descend(&x->on_f, n->on_f, 0, kMatchSet, &sub);
        if (sub.flags & kMatch) result.flags |= sub.flags;
        if (!alive) next_node = true;
      }
      if (!next_node) {
        const bool same_actions = !ActionsDiffer(x, result.action);
        if (same_actions && (result.flags & kMatch) && (result.flags & kAddedDone) &&
            (result.flags & kExistingPrefix)) {
          // The added chain is shorter: the existing one goes.
          Node** root = &chains_;
          freed += Remove(root, x);
          if (!chains_) return finish();
        } else if (same_actions && (result.flags & kMatch) && (result.flags & kExistingDone) &&
                   (result.flags & kAddedPrefix)) {
          return finish();  // the added chain is longer
        }
      }
    } else if (Before(x, n)) {
      if (state->flags & kAddedPrefix) return finish();
      State sub;
      if (x->on_t) {
        const bool alive = descend(&x->on_t, n, kMatch, kExistingPrefix, &sub);
        if (sub.flags & kMatch) {
          result.flags |= sub.flags;
          return finish();
        }
        if (!alive) next_node = true;
      }
      if (!next_node && x->on_f) {
        const bool alive = descend(&x->on_f, n, kMatch, kExistingPrefix, &sub);
        if (sub.flags & kMatch) {
          result.flags |= sub.flags;
          return finish();
        }
        if (!alive) next_node = true;
      }
    } else {
      if (state->flags & kExistingPrefix) return finish();
      State sub;
      if (n->on_t) {
        Node* here = x;
        const bool alive = descend(&here, n->on_t, kMatch, kAddedPrefix, &sub);
        if (sub.flags & kMatch) {
          result.flags |= sub.flags;
          return finish();
        }
        if (!alive) next_node = true;
      }
      if (!next_node && n->on_f) {
        Node* here = x;
        const bool alive = descend(&here, n->on_f, kMatch, kAddedPrefix, &sub);
        if (sub.flags & kMatch) {
          result.flags |= sub.flags;
          return finish();
        }
        if (!alive) next_node = true;
      }
    }
    x = x_next;
  } while (x);
  result.flags &= ~kMatch;  // nothing on this level matched
  return finish();
}

// Adds the chain into the tree (db.c _db_tree_add): equal nodes are shared, others inserted in level order.
// false: EEXIST.
bool LibseccompChains::Merge(Node** existing, Node* added) {
  Node* x = *existing;
  Node* n = added;
  do {
    if (SameTest(x, n)) {
      if (n->has_t) {
        if (!x->has_t) {
          if (ActionsDiffer(x->on_t, n->act_t)) return false;
          node_count_ -= Put(&x->on_t);
          x->on_t = nullptr;
          x->act_t = n->act_t;
          x->has_t = true;
        } else if (n->act_t != x->act_t) {
          // 2.5.4 lets a high-word node take the action of the larger 64-bit value...
          if (n->hi && n->datum_full > x->datum_full) x->act_t = n->act_t;
          if (IsLeaf(x) || IsLeaf(n)) return false;
        }
      }
      if (n->has_f) {
        if (!x->has_f) {
          if (ActionsDiffer(x->on_f, n->act_f)) return false;
          node_count_ -= Put(&x->on_f);
          x->on_f = nullptr;
          x->act_f = n->act_f;
          x->has_f = true;
        } else if (n->act_f != x->act_f) {
          // ... and, for the false outcome, writes the TRUE action (as 2.5.4 does).
          if (n->hi && n->datum_full < x->datum_full) x->act_t = n->act_t;
          if (IsLeaf(x) || IsLeaf(n)) return false;
        }
      }
      if (n->on_t) {
        if (x->on_t) {
          if (!Merge(&x->on_t, n->on_t)) return false;
        } else if (!x->has_t) {
          x->on_t = Get(n->on_t);
        } else {
          return true;  // the existing chain is shorter
        }
      }
      if (n->on_f) {
        if (x->on_f) {
          if (!Merge(&x->on_f, n->on_f)) return false;
        } else if (!x->has_f) {
          x->on_f = Get(n->on_f);
        } else {
          return true;
        }
      }
      return true;
    }
    if (!Before(x, n)) {
      if (!x->nxt) {
        n->prv = Get(x);
        x->nxt = Get(n);
        return true;
      }
      x = x->nxt;
    } else {
      if (x->prv) {
        x->prv->nxt = Get(n);
        n->prv = x->prv;
        x->prv = Get(n);
        n->nxt = x;
      } else {
        x->prv = Get(n);
        n->nxt = Get(x);
      }
      if (*existing == x) {
        *existing = Get(n);
        Put(&x);
      }
      return true;
    }
  } while (x);
  return true;
}

bool LibseccompChains::Add(const std::vector<ArgCondition>& conditions, const Verdict& verdict) {
  Node* added = nullptr;
  const size_t before = arena_.size();
  Generate(conditions, verdict, &added);
  const unsigned generated = static_cast<unsigned>(arena_.size() - before);
  if (!present_) {
    present_ = true;
    chains_ = added;
    node_count_ = generated;
    action_ = std::make_unique<Verdict>(verdict);
    return true;
  }
  bool pruned = false;
  for (;;) {
    if (!chains_) {
      if (pruned) {  // a prune emptied the tree: the new chain takes its place
        chains_ = added;
        node_count_ = generated;
        *action_ = verdict;
      } else {  // an unconditional entry covers everything: the new rule is dropped
        PutTree(&added);
      }
      return true;
    }
    if (!added) {  // an unconditional rule replaces every chain
      PutTree(&chains_);
      chains_ = nullptr;
      node_count_ = 0;
      *action_ = verdict;
      return true;
    }
    State state;
    state.action = verdict;
    const unsigned freed = Prune(&chains_, added, &state);
    if (freed > 0) {
      pruned = true;
      node_count_ -= freed;
      if (!chains_) continue;
    } else if ((state.flags & kRedundant) == kRedundant) {
      PutTree(&added);
      return true;
    }
    break;
  }
  node_count_ += generated;
  if (!Merge(&chains_, added)) return false;
  node_count_ -= PutTree(&added);
  return true;
}

namespace {

void AppendShape(const Node* level, std::string& out) {
  if (!level) return;
  out += '[';
  for (const Node* n = LevelStart(const_cast<Node*>(level)); n; n = n->nxt) {
    out += std::to_string(n->arg) + (n->hi ? "h" : "l") + std::to_string(static_cast<int>(n->cmp)) + ":" +
           std::to_string(n->mask) + ":" + std::to_string(n->datum);
    out += n->has_t ? "?" + n->act_t.ToString() : "?";
    AppendShape(n->on_t, out);
    out += n->has_f ? ":" + n->act_f.ToString() : ":";
    AppendShape(n->on_f, out);
    out += ';';
  }
  out += ']';
}

}  // namespace

std::string LibseccompChains::Shape() const {
  if (!present_) return {};
  std::string out = chains_ ? std::string() : action_->ToString();
  AppendShape(chains_, out);
  return out;
}

unsigned LibseccompChains::Priority() const { return (0xffffu - node_count_) & 0xffffu; }

}  // namespace profilegen::profile

#pragma once
// Internal to profile/libseccomp_tree.cpp and profile/libseccomp_bpf.cpp: one node of the model of libseccomp
// 2.5.4's rule tree (db.c's struct db_arg_chain_tree) and the small facts both files read from it.
#include <cstdint>

#include "profile/effective.h"
#include "profile/libseccomp_tree.h"

namespace profilegen::profile {

namespace libseccomp_node {

// The word comparisons a BPF program can make (LT, LE and NE become the false branch of GE, GT and EQ).
enum class Cmp { kEq, kMaskedEq, kGt, kGe };

// The "no action" value: libseccomp keeps an unset action as 0, which is SCMP_ACT_KILL_THREAD's code.
inline constexpr Verdict kNoAction{Action::kKillThread, 0};

}  // namespace libseccomp_node

struct LibseccompChains::Node {
  using Cmp = libseccomp_node::Cmp;
  uint32_t arg = 0;
  bool hi = false;  // the high word of a 64-bit argument
  Cmp cmp = Cmp::kEq;
  Op orig = Op::kEq;  // the rule's operator, for the order within a level
  uint32_t mask = 0, datum = 0;
  uint64_t datum_full = 0;
  bool has_t = false, has_f = false;  // an action on the true / false outcome
  Verdict act_t = libseccomp_node::kNoAction, act_f = libseccomp_node::kNoAction;
  Node *prv = nullptr, *nxt = nullptr;  // the level
  Node *on_t = nullptr, *on_f = nullptr;  // the sub-level of each outcome
  unsigned refs = 0;
  bool freed = false;
};

namespace libseccomp_node {

using Node = LibseccompChains::Node;

inline Node* Get(Node* n) {
  if (n) ++n->refs;
  return n;
}

inline bool IsLeaf(const Node* n) { return !n->on_t && !n->on_f; }
inline bool IsZombie(const Node* n) { return IsLeaf(n) && !n->has_t && !n->has_f; }
inline Node* LevelStart(Node* n) {
  while (n->prv) n = n->prv;
  return n;
}

inline unsigned ArgRank(const Node* n) { return (n->arg << 1) + (n->hi ? 1 : 0); }

inline unsigned OpRank(Op op) {
  switch (op) {
    case Op::kMaskedEq:
    case Op::kEq:
    case Op::kNe: return 3;
    case Op::kLe:
    case Op::kLt: return 2;
    case Op::kGe:
    case Op::kGt: return 1;
  }
  return 0;
}

// db.c _db_chain_lt: by argument word, then operator family, then value (inverted for LT/LE). A level keeps its
// nodes from the greatest to the least in this order (Merge inserts a node before the first one it is not after).
inline bool Before(const Node* a, const Node* b) {
  if (ArgRank(a) != ArgRank(b)) return ArgRank(a) < ArgRank(b);
  if (OpRank(a->orig) != OpRank(b->orig)) return OpRank(a->orig) < OpRank(b->orig);
  if (a->orig == Op::kLe || a->orig == Op::kLt) return a->datum > b->datum;
  return a->datum < b->datum;
}

// Two nodes make the same comparison (db.c _db_chain_eq).
inline bool SameTest(const Node* a, const Node* b) {
  return ArgRank(a) == ArgRank(b) && a->cmp == b->cmp && a->datum == b->datum && a->mask == b->mask;
}

// `a`: the accumulator, already masked.
inline bool Holds(const Node* n, uint32_t a) {
  switch (n->cmp) {
    case Cmp::kEq:
    case Cmp::kMaskedEq: return a == n->datum;
    case Cmp::kGt: return a > n->datum;
    case Cmp::kGe: return a >= n->datum;
  }
  return false;
}

}  // namespace libseccomp_node

}  // namespace profilegen::profile

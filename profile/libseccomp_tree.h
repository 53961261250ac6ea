#pragma once
/// A model of how libseccomp 2.5.4 keeps the conditional rules of ONE syscall on ONE arch, and of what the BPF it
/// generates from them returns. Not a call into libseccomp: tests/validator/kernel_oracle_test.cpp checks it against
/// the kernel running the filter libseccomp really built.
///
/// What libseccomp does (src/db.c: _db_rule_gen_64/_32, _db_tree_prune, _db_tree_add, db_rule_add; src/gen_bpf.c:
/// _gen_bpf_chain, _gen_bpf_node):
///  - each rule becomes a chain of 32-bit comparisons, argument by argument (index 0 first); on a 64-bit arch a
///    64-bit comparison is two or three nodes on the high and the low word (a GT b: hi > b.hi, else hi == b.hi
///    and lo > b.lo); LT, LE and NE are the false branch of GE, GT and EQ, so `a0 < 5` and `a0 >= 5` share nodes;
///    a MASKED_EQ whose mask is zero (for the arch's width) is dropped as always true, and its value is masked;
///  - the chains of all rules of the syscall are merged into one tree: nodes comparing the same word the same way
///    are shared; the nodes of one level are kept in libseccomp's order (later argument words first, then
///    EQ/NE/MASKED_EQ before LT/LE before GT/GE, then by value), so the order of the BPF comparisons is not the
///    order of the rules;
///  - a new rule that a shorter existing chain already covers is dropped, an existing chain the new rule covers is
///    pruned, whatever the actions (this is where "first matching rule" stops describing the program);
///  - the program walks a level node by node: a comparison with a sub-level or an action for its outcome goes
///    there, one without falls to the next node of the level; a sub-level that decides nothing falls to the next
///    node of its parent's level; the end of the top level is the default action.
/// So when rules of different actions compare the same argument, which one wins depends on this tree, not on
/// the order or the "precedence" of the rules.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "profile/model.h"

namespace profilegen::profile {

struct Verdict;

/// One syscall's rules in libseccomp's database, added in the order the runtime adds them.
class LibseccompChains {
 public:
  /// `arch32`: the arch passes 32-bit arguments (libseccomp compares one word per argument).
  explicit LibseccompChains(bool arch32);
  ~LibseccompChains();
  LibseccompChains(const LibseccompChains&) = delete;
  LibseccompChains& operator=(const LibseccompChains&) = delete;

  /// db_rule_add: false when libseccomp refuses the rule with EEXIST (the syscall's tree is then undefined; the
  /// runtime fails to load the profile).
  bool Add(const std::vector<ArgCondition>& conditions, const Verdict& verdict);
  /// What the generated filter returns for these arguments: nullopt when no rule was added or no chain decides
  /// (the filter falls to the default action). `unsure` is set when the answer depends on an accumulator reload
  /// the layout model does not place (see Walk in the .cpp).
  std::optional<Verdict> Decide(const uint64_t (&args)[6], bool* unsure = nullptr) const;
  /// Whether any rule was added.
  bool present() const { return present_; }
  /// The tree libseccomp generates its BPF from, as text: two databases with the same shape generate the same
  /// comparisons and actions for the syscall (the entry's priority aside). Empty when no rule was added.
  std::string Shape() const;
  /// The entry's priority in the BPF (db.c: 0xffff minus the nodes of its tree): the highest comes first.
  unsigned Priority() const;

 struct Node;   ///< one 32-bit comparison (libseccomp's db_arg_chain_tree); defined in the .cpp
  struct State;  ///< the flags of a prune walk
  struct Acc;    ///< what the BPF accumulator holds
  struct Layout; ///< where libseccomp's block layout puts accumulator reloads

 private:
  Node* NewNode();
  void Generate(const std::vector<ArgCondition>& conditions, const Verdict& verdict, Node** head);
  unsigned Put(Node** node);
  unsigned PutTree(Node** tree);
  unsigned CleanLevel(Node* node);
  unsigned Remove(Node** tree, Node* node);
  bool ActionsDiffer(Node* tree, const Verdict& verdict) const;
  unsigned Prune(Node** existing, Node* added, State* state);
  bool Merge(Node** existing, Node* added);
  using BlockKey = std::vector<std::pair<const Node*, Acc>>;
  void Place(const BlockKey& block, Layout& layout) const;
  std::optional<Verdict> Walk(const Node* level, Acc generated, const BlockKey& cont, Acc& actual,
                              const Layout& layout, const uint64_t (&args)[6], bool* unsure) const;

  bool arch32_;
  bool present_ = false;  // a rule was added: the syscall has an entry
  Node* chains_ = nullptr;
  unsigned node_count_ = 0;  // db_sys_list.node_cnt, kept as libseccomp keeps it
  std::unique_ptr<Verdict> action_;  // the entry's action when it has no chains
  std::vector<std::unique_ptr<Node>> arena_;  // every node ever made; "freed" nodes stay allocated, unused
};

/// The conditions libseccomp keeps of a rule for an arch: MASKED_EQ with a zero mask (in the arch's width) is
/// dropped as always true, and a MASKED_EQ value is masked. Sorted by argument index.
std::vector<ArgCondition> LibseccompConditions(std::vector<ArgCondition> conditions, bool arch32);

}  // namespace profilegen::profile
